package dev.fastnet.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Warns about handlers that failed, at most once a second for each kind of failure: one
 * clock for all would let a frequent failure hide a rare one for as long as it goes on.
 * The stack trace is logged at DEBUG only.
 */
final class HandlerFailureLog {

	private static final Log logger = LogFactory.getLog(HandlerFailureLog.class);

	private static final int MAX_KINDS = 64;

	private final Map<Class<?>, AtomicLong> lastWarnings = new ConcurrentHashMap<>();

	/** Shared by the kinds of failure beyond {@link #MAX_KINDS}. */
	private final AtomicLong lastOtherWarning = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));

	/**
	 * Log that the handler of a route failed, unless this kind of failure was logged less
	 * than a second ago. Any thread.
	 */
	void failed(String route, Throwable failure) {
		AtomicLong last = this.lastWarnings.get(failure.getClass());
		if (last == null) {
			last = (this.lastWarnings.size() < MAX_KINDS)
					? this.lastWarnings.computeIfAbsent(failure.getClass(),
							(kind) -> new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1)))
					: this.lastOtherWarning;
		}
		if (RequestDispatcher.shouldLog(last)) {
			logger.warn("Handler of route '" + route + "' failed: " + failure,
					logger.isDebugEnabled() ? failure : null);
		}
	}

}
