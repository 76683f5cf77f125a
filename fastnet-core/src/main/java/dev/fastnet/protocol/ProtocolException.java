package dev.fastnet.protocol;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * A peer broke the wire protocol. The connection it arrived on is closed; other
 * connections are not affected.
 *
 * @since 0.1.0
 */
public class ProtocolException extends FastnetException {

	private static final long serialVersionUID = 1L;

	private final ProtocolViolation violation;

	/**
	 * Create an exception for a violation.
	 * @param violation what was violated
	 * @param message the details
	 */
	public ProtocolException(ProtocolViolation violation, String message) {
		this(violation, Status.BAD_REQUEST, message);
	}

	ProtocolException(ProtocolViolation violation, Status status, String message) {
		// No stack trace: a peer's mistake is not a bug of ours and can be frequent
		super(status.code(), message, null, false);
		this.violation = violation;
	}

	/**
	 * Return the violated rule.
	 * @return the violation
	 */
	public ProtocolViolation violation() {
		return this.violation;
	}

}
