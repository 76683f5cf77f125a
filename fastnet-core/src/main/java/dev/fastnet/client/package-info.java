/**
 * The pooled, multiplexed fastnet client.
 */
@NullMarked
package dev.fastnet.client;

import org.jspecify.annotations.NullMarked;
