/**
 * FastnetClient beans and declarative clients.
 */
@NullMarked
package dev.fastnet.spring.client;

import org.jspecify.annotations.NullMarked;
