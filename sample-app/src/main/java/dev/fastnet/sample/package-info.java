/**
 * A key-value and echo service built on the fastnet starter.
 */
@NullMarked
package dev.fastnet.sample;

import org.jspecify.annotations.NullMarked;
