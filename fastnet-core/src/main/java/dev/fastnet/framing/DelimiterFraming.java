package dev.fastnet.framing;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Messages that end with a delimiter, such as CRLF-terminated lines. The payload excludes
 * the delimiter and must not contain it; the answer is written the same way. A connection
 * has one request at a time, answered in order.
 *
 * @since 0.1.0
 */
public final class DelimiterFraming extends Framing {

	/** Carriage return and line feed, the default delimiter. */
	public static final String CRLF = "\r\n";

	private final byte[] delimiter;

	private DelimiterFraming(byte[] delimiter) {
		if (delimiter.length == 0 || delimiter.length > 255) {
			throw new IllegalArgumentException("delimiter must be between 1 and 255 bytes: " + delimiter.length);
		}
		this.delimiter = delimiter.clone();
	}

	/**
	 * Return a framing with the given delimiter.
	 * @param delimiter the bytes that end every message, 1 to 255 of them
	 * @return the framing
	 */
	public static DelimiterFraming of(byte[] delimiter) {
		return new DelimiterFraming(delimiter);
	}

	/**
	 * Return a framing whose delimiter is the UTF-8 encoding of a text.
	 * @param delimiter the text, such as {@link #CRLF}
	 * @return the framing
	 */
	public static DelimiterFraming of(String delimiter) {
		return new DelimiterFraming(delimiter.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return the delimiter.
	 * @return a copy of the delimiter's bytes
	 */
	public byte[] delimiter() {
		return this.delimiter.clone();
	}

	@Override
	public String name() {
		return "delimiter";
	}

	@Override
	public boolean isCorrelated() {
		return false;
	}

	@Override
	@Nullable Message decode(ByteBuf in, int maxFrameSize) {
		int start = in.readerIndex();
		int readable = in.readableBytes();
		// A delimiter that ends after the largest payload is not looked for: the frame is
		// too long
		int searched = (int) Math.min(readable, (long) maxFrameSize + this.delimiter.length);
		int end = indexOf(in, start, start + searched);
		if (end < 0) {
			if (searched == (long) maxFrameSize + this.delimiter.length) {
				throw tooLarge(name(), readable, maxFrameSize);
			}
			return null;
		}
		int length = end - start;
		ByteBuf payload = in.retainedSlice(start, length);
		in.skipBytes(length + this.delimiter.length);
		return new Message(0, null, payload, length + this.delimiter.length);
	}

	private int indexOf(ByteBuf in, int from, int to) {
		byte first = this.delimiter[0];
		int last = to - this.delimiter.length;
		for (int i = in.indexOf(from, to, first); i >= 0 && i <= last; i = in.indexOf(i + 1, to, first)) {
			if (matches(in, i)) {
				return i;
			}
		}
		return -1;
	}

	private boolean matches(ByteBuf in, int index) {
		for (int i = 1; i < this.delimiter.length; i++) {
			if (in.getByte(index + i) != this.delimiter[i]) {
				return false;
			}
		}
		return true;
	}

	@Override
	ByteBuf encode(ByteBufAllocator alloc, int id, byte @Nullable [] echo, ByteBuf payload) {
		return join(alloc, NO_BYTES, payload, this.delimiter);
	}

	@Override
	public String toString() {
		return "delimiter[" + ByteBufUtil.hexDump(this.delimiter) + "]";
	}

}
