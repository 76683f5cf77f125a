package dev.fastnet.protocol;

/**
 * Rules of the wire protocol a peer can break; each is counted separately.
 *
 * @since 0.1.0
 */
public enum ProtocolViolation {

	/** Length field below 8. */
	LENGTH_TOO_SMALL("length_too_small"),

	/** Length field above the maximum frame size. */
	FRAME_TOO_LARGE("frame_too_large"),

	/** Version other than 1. */
	BAD_VERSION("bad_version"),

	/** A reserved flag bit is set. */
	RESERVED_FLAGS("reserved_flags"),

	/** Unknown frame type code. */
	UNKNOWN_TYPE("unknown_type"),

	/** A frame type this side never accepts (for example a RESPONSE sent to a server). */
	UNEXPECTED_TYPE("unexpected_type"),

	/** Route or header not valid UTF-8. */
	INVALID_UTF8("invalid_utf8"),

	/** Route or headers block overruns the frame. */
	OVERRUN("overrun"),

	/** Malformed body of a frame, such as an ERROR without its status. */
	MALFORMED("malformed");

	private final String tag;

	ProtocolViolation(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the lower-case name used in logs and metric tags.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
