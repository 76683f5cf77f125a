package dev.fastnet.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests a server admitted and has not finished yet, which a graceful stop
 * waits for. The dispatcher counts a request in, the request counts itself out.
 */
final class InFlightRequests {

	private final AtomicInteger count = new AtomicInteger();

	private final Runnable whenNone;

	/**
	 * Create a count.
	 * @param whenNone run each time the count falls back to zero, on the thread that
	 * finished the last request
	 */
	InFlightRequests(Runnable whenNone) {
		this.whenNone = whenNone;
	}

	/**
	 * Count an admitted request in. Any thread.
	 */
	void add() {
		this.count.incrementAndGet();
	}

	/**
	 * Count a finished request out. Any thread.
	 */
	void remove() {
		if (this.count.decrementAndGet() == 0) {
			this.whenNone.run();
		}
	}

	int count() {
		return this.count.get();
	}

}
