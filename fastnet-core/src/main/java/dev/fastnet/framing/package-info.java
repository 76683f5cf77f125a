/**
 * Framings a listener or a client can speak instead of, or beside, fastnet's own frame
 * format.
 */
@NullMarked
package dev.fastnet.framing;

import org.jspecify.annotations.NullMarked;
