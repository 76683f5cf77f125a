/**
 * The fastnet wire protocol: frames, their codec and protocol errors.
 */
@NullMarked
package dev.fastnet.protocol;

import org.jspecify.annotations.NullMarked;
