package dev.fastnet.dispatch;

/**
 * Where a request handler runs.
 *
 * @since 0.1.0
 */
public enum Execution {

	/** On the connection's event loop: only for handlers that never block. */
	EVENT_LOOP,

	/** On the bounded pool of platform worker threads; a full queue answers 503. */
	PLATFORM,

	/**
	 * On a virtual thread, bounded by a concurrency limit; on a JVM without virtual
	 * threads, on the platform pool.
	 */
	VIRTUAL

}
