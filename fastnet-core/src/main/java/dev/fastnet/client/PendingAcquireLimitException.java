package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * A call found the pool's queue of waiting calls full and was rejected at once.
 *
 * @since 0.1.0
 * @see PoolOptions#maxPendingAcquires()
 */
public class PendingAcquireLimitException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, naming the limit
	 */
	public PendingAcquireLimitException(String message) {
		super(Status.UNAVAILABLE.code(), message, null, false);
	}

	/**
	 * Return {@code false}: this failure belongs to a call to another server.
	 * @return {@code false}
	 */
	@Override
	public boolean answersWithStatus() {
		return false;
	}

}
