/**
 * The fastnet TCP server: configuration, lifecycle, connection handling and graceful shutdown.
 */
@NullMarked
package dev.fastnet.server;

import org.jspecify.annotations.NullMarked;
