package dev.fastnet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Frame types of the fastnet protocol.
 *
 * @since 0.1.0
 */
public enum FrameType {

	/** Expects exactly one RESPONSE or ERROR with the same id. */
	REQUEST(0),

	/** Success answer to a REQUEST. */
	RESPONSE(1),

	/** Fire-and-forget message; never answered. */
	ONEWAY(2),

	/** Failure answer to a REQUEST: u16 status then a UTF-8 message. */
	ERROR(3),

	/** Liveness probe; the peer answers PONG with the same id. */
	PING(4),

	/** Answer to PING. */
	PONG(5),

	/** Server-initiated message to a client session. */
	PUSH(6),

	/** The server is draining: send no new requests on this connection. */
	GOAWAY(7);

	private static final FrameType[] BY_CODE = values();

	private final int code;

	FrameType(int code) {
		this.code = code;
	}

	/**
	 * Return the type's code on the wire.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return whether frames of this type carry a correlation id.
	 * @return {@code true} for REQUEST, RESPONSE and ERROR
	 */
	public boolean hasId() {
		return this == REQUEST || this == RESPONSE || this == ERROR;
	}

	/**
	 * Return the type with the given code.
	 * @param code the code read from the wire
	 * @return the type, or {@code null} when the code is unknown
	 */
	public static @Nullable FrameType of(int code) {
		return (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
	}

}
