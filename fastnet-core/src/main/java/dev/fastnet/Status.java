package dev.fastnet;

import org.jspecify.annotations.Nullable;

/**
 * Status codes that fastnet itself sends in ERROR frames. Applications use codes
 * 1000-65535.
 *
 * @since 0.1.0
 */
public enum Status {

	/** Payload could not be decoded into the handler's parameter type. */
	BAD_REQUEST(400),

	/** No handler for the route. */
	NOT_FOUND(404),

	/** The handler did not finish within the server's request timeout. */
	TIMEOUT(408),

	/** Frame larger than the receiver's maximum frame size. */
	FRAME_TOO_LARGE(413),

	/** The handler threw. */
	INTERNAL(500),

	/** The server's work queue is full or it is shutting down. */
	UNAVAILABLE(503),

	/** The request's own deadline had passed before a handler could start it. */
	DEADLINE_EXPIRED(504);

	/** Lowest application-defined status. */
	public static final int MIN_APPLICATION_STATUS = 1000;

	/** Highest application-defined status. */
	public static final int MAX_APPLICATION_STATUS = 65535;

	private final int code;

	Status(int code) {
		this.code = code;
	}

	/**
	 * Return the numeric code sent on the wire.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the protocol status with the given code.
	 * @param code the code
	 * @return the status, or {@code null} for application codes and unknown codes
	 */
	public static @Nullable Status of(int code) {
		for (Status status : values()) {
			if (status.code == code) {
				return status;
			}
		}
		return null;
	}

	/**
	 * Return whether the code is an application-defined status.
	 * @param code the code
	 * @return {@code true} for 1000-65535
	 */
	public static boolean isApplication(int code) {
		return code >= MIN_APPLICATION_STATUS && code <= MAX_APPLICATION_STATUS;
	}

	static int checkValid(int code) {
		if (of(code) == null && !isApplication(code)) {
			throw new IllegalArgumentException("status must be one of the protocol's codes or between "
					+ MIN_APPLICATION_STATUS + " and " + MAX_APPLICATION_STATUS + ": " + code);
		}
		return code;
	}

}
