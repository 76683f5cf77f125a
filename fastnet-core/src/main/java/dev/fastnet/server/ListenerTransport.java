package dev.fastnet.server;

/**
 * How a listener's peers reach it: the carrier of its frames.
 *
 * @since 0.1.0
 */
public enum ListenerTransport {

	/** A TCP stream, delimited by the listener's framing. */
	TCP,

	/**
	 * WebSocket over TCP: an HTTP upgrade on the listener's path, then one fastnet frame
	 * per binary WebSocket message in both directions.
	 */
	WEBSOCKET,

	/**
	 * UDP: each datagram one fastnet frame, answered to its sender. Sessions are kept per
	 * peer address until they have been idle for the server's idle timeout.
	 */
	UDP

}
