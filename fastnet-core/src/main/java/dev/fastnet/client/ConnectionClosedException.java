package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import org.jspecify.annotations.Nullable;

/**
 * The connection a request was sent on closed before the answer arrived. The request may
 * or may not have been handled by the server.
 *
 * @since 0.1.0
 */
public class ConnectionClosedException extends FastnetException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, including the remote address
	 * @param cause what closed the connection, or {@code null}
	 */
	public ConnectionClosedException(String message, @Nullable Throwable cause) {
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
