/**
 * Bounded worker pools that keep blocking handlers off the event loop.
 */
@NullMarked
package dev.fastnet.worker;

import org.jspecify.annotations.NullMarked;
