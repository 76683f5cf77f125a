package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * A call waited for a pooled connection longer than the pool's acquire timeout.
 *
 * @since 0.1.0
 * @see PoolOptions#acquireTimeout()
 */
public class PendingAcquireTimeoutException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, naming the timeout
	 */
	public PendingAcquireTimeoutException(String message) {
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
