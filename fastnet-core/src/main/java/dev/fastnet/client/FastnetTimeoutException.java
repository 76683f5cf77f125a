package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * A request was not answered within its timeout. A late answer is dropped.
 *
 * @since 0.1.0
 */
public class FastnetTimeoutException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, naming the route and the timeout
	 */
	public FastnetTimeoutException(String message) {
		super(Status.TIMEOUT.code(), message, null, false);
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
