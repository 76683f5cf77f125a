package dev.fastnet.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a request, or a message pushed by the server: payload and headers, copied
 * out of the frame it arrived in (no buffer to release).
 *
 * @since 0.1.0
 */
public final class Reply {

	private static final byte[] EMPTY = new byte[0];

	private final byte[] payload;

	private final Map<String, String> headers;

	private Reply(byte[] payload, Map<String, String> headers) {
		this.payload = payload;
		this.headers = headers;
	}

	/**
	 * Create a reply.
	 * @param payload the payload; the reply keeps the array, which must not be modified
	 * @param headers the headers; copied
	 * @return the reply
	 */
	public static Reply of(byte[] payload, Map<String, String> headers) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(headers, "headers");
		return new Reply((payload.length == 0) ? EMPTY : payload, Map.copyOf(headers));
	}

	/**
	 * Create a reply from values that are already immutable.
	 */
	static Reply trusted(byte[] payload, Map<String, String> headers) {
		return new Reply(payload, headers);
	}

	/**
	 * Return the payload. The array is the reply's own and must not be modified.
	 * @return the payload, empty when there is none
	 */
	public byte[] payload() {
		return this.payload;
	}

	/**
	 * Return the payload decoded as UTF-8.
	 * @return the text
	 */
	public String payloadString() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	/**
	 * Return the headers.
	 * @return an unmodifiable map, empty when there are none
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	@Override
	public String toString() {
		return "Reply[" + this.payload.length + "B, headers=" + this.headers.keySet() + "]";
	}

}
