/**
 * Connections seen as sessions, and their lifecycle listeners.
 */
@NullMarked
package dev.fastnet.session;

import org.jspecify.annotations.NullMarked;
