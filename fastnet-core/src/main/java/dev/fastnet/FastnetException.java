package dev.fastnet;

/**
 * Root of fastnet's unchecked exceptions. Carries the wire status that describes the
 * failure: thrown from a request handler it becomes an ERROR frame with that status and
 * message.
 *
 * <pre>{@code
 * throw new FastnetException(1404, "No such key: " + key);
 * }</pre>
 *
 * @since 0.1.0
 */
public class FastnetException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int status;

	/**
	 * Create an exception with one of the protocol's statuses.
	 * @param status the status
	 * @param message the message sent to the peer
	 */
	public FastnetException(Status status, String message) {
		this(status.code(), message, null);
	}

	/**
	 * Create an exception with a protocol or application status.
	 * @param status a status of {@link Status} or an application status in 1000-65535
	 * @param message the message sent to the peer
	 */
	public FastnetException(int status, String message) {
		this(status, message, null);
	}

	/**
	 * Create an exception with a protocol or application status and a cause.
	 * @param status a status of {@link Status} or an application status in 1000-65535
	 * @param message the message sent to the peer
	 * @param cause the cause, never sent to the peer
	 */
	public FastnetException(int status, String message, @org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause);
		this.status = Status.checkValid(status);
	}

	/**
	 * Constructor for subclasses that do not need a stack trace (frequent, expected
	 * failures).
	 * @param status the status
	 * @param message the message
	 * @param cause the cause or {@code null}
	 * @param writableStackTrace whether the stack trace should be filled in
	 */
	protected FastnetException(int status, String message, @org.jspecify.annotations.Nullable Throwable cause,
			boolean writableStackTrace) {
		super(message, cause, false, writableStackTrace);
		this.status = Status.checkValid(status);
	}

	/**
	 * Return the wire status of this failure.
	 * @return a protocol status or an application status in 1000-65535
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Return whether a handler that throws this exception answers with its
	 * {@link #status()}. Exceptions that describe a call to another server return
	 * {@code false}: their status is that server's, and passed on it would misreport this
	 * one (a 404 for a route that exists). A handler that throws one answers ERROR 500
	 * with its message.
	 * @return {@code true} by default
	 */
	public boolean answersWithStatus() {
		return true;
	}

}
