package dev.fastnet.session;

/**
 * Callbacks on the lifecycle of sessions. Invoked on the connection's event loop:
 * implementations must not block. Every method has an empty default.
 *
 * @since 0.1.0
 */
public interface SessionListener {

	/**
	 * A connection was accepted.
	 * @param session the session
	 */
	default void onOpen(Session session) {
	}

	/**
	 * A connection was closed, by either side.
	 * @param session the session
	 */
	default void onClose(Session session) {
	}

	/**
	 * A connection saw no traffic for the idle timeout; it is closed right after.
	 * @param session the session
	 */
	default void onIdle(Session session) {
	}

	/**
	 * A connection failed: an I/O error or a protocol violation by the peer.
	 * @param session the session
	 * @param error the failure
	 */
	default void onError(Session session, Throwable error) {
	}

}
