package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * The client is closing or closed: the call was not sent, or was still waiting for its
 * answer when the close's grace period ended.
 *
 * @since 0.1.0
 */
public class ClientClosedException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, naming the client
	 */
	public ClientClosedException(String message) {
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
