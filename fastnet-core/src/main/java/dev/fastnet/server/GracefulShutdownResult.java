package dev.fastnet.server;

/**
 * How a graceful stop of a {@link FastnetServer} ended.
 *
 * @since 0.1.0
 */
public enum GracefulShutdownResult {

	/**
	 * Every request was answered before the grace period ended; connections still open
	 * when it ended (peers that kept sending) were closed.
	 */
	IDLE,

	/**
	 * The grace period ended with requests still in flight; their connections were
	 * closed.
	 */
	REQUESTS_ACTIVE

}
