package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import org.jspecify.annotations.Nullable;

/**
 * No connection could be opened for a call: the connect attempt failed (the cause tells
 * why), or the endpoint was accepted and closed at once.
 *
 * @since 0.1.0
 */
public class FastnetConnectException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, naming the endpoint
	 * @param cause the connect failure, or {@code null}
	 */
	public FastnetConnectException(String message, @Nullable Throwable cause) {
		super(Status.UNAVAILABLE.code(), message, cause, false);
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
