/**
 * The fastnet server: configuration, listeners over TCP, WebSocket and UDP, lifecycle,
 * connection handling and graceful shutdown.
 */
@NullMarked
package dev.fastnet.server;

import org.jspecify.annotations.NullMarked;
