/**
 * Types shared by every part of fastnet: the root exception and the wire statuses.
 */
@NullMarked
package dev.fastnet;

import org.jspecify.annotations.NullMarked;
