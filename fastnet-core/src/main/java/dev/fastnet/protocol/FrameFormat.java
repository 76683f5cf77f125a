package dev.fastnet.protocol;

/**
 * Constants of the fastnet wire format, version 1.
 *
 * <pre>
 * offset size  field
 * 0      4     length   bytes that follow this field (header + route + headers + payload)
 * 4      1     version  always 1
 * 5      1     type     {@link FrameType}
 * 6      1     flags    bit 0 = HEADERS present; bits 1..7 reserved (0)
 * 7      4     id       correlation id; 0 for ONEWAY, PUSH and GOAWAY; a PONG echoes its PING's id
 * 11     1     routeLen R, 0..255
 * 12     R     route    UTF-8
 * 12+R   ...   headers  only with flag bit 0: u16 block size B, then B bytes of entries,
 *                       each u8 keyLen, key, u16 valueLen, value (UTF-8)
 * ...    ...   payload  the rest of the frame
 * </pre>
 *
 * @since 0.1.0
 */
public final class FrameFormat {

	/** Size of the length field that precedes every frame. */
	public static final int LENGTH_FIELD_SIZE = 4;

	/** Size of the fixed part after the length field; the smallest legal length. */
	public static final int HEADER_LENGTH = 8;

	/** Offset of the type byte in an encoded frame, counted from its length field. */
	public static final int TYPE_OFFSET = LENGTH_FIELD_SIZE + 1;

	/** Offset of the id in an encoded frame, counted from its length field. */
	public static final int ID_OFFSET = LENGTH_FIELD_SIZE + 3;

	/** Bytes needed to read the length field, version, type, flags and id. */
	public static final int PREFIX_WITH_ID = LENGTH_FIELD_SIZE + 7;

	/** The only protocol version. */
	public static final int VERSION = 1;

	/** Flag bit: a headers block follows the route. */
	public static final int FLAG_HEADERS = 0x01;

	/** Flag bits that must be zero. */
	public static final int RESERVED_FLAGS = 0xFE;

	/** Longest route in bytes. */
	public static final int MAX_ROUTE_LENGTH = 255;

	/** Largest headers block in bytes. */
	public static final int MAX_HEADERS_BLOCK = 0xFFFF;

	/** Default maximum value of the length field: 1 MiB. */
	public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;

	/**
	 * Reserved header: the requester's remaining deadline in milliseconds, as decimal
	 * text.
	 */
	public static final String HEADER_TIMEOUT_MS = "timeout-ms";

	/** Reserved header: W3C trace context. */
	public static final String HEADER_TRACEPARENT = "traceparent";

	/** Reserved header: W3C trace state. */
	public static final String HEADER_TRACESTATE = "tracestate";

	private FrameFormat() {
	}

}
