package dev.fastnet.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Messages of one fixed length, without header; answers must have that length too (an
 * answer of another length closes the connection). A connection has one request at a
 * time, answered in order.
 *
 * @since 0.1.0
 */
public final class FixedLengthFraming extends Framing {

	private final int length;

	private FixedLengthFraming(int length) {
		if (length < 1) {
			throw new IllegalArgumentException("length must be between 1 and " + Integer.MAX_VALUE + ": " + length);
		}
		this.length = length;
	}

	/**
	 * Return a framing of messages of the given length.
	 * @param length the length of every message in bytes, at least 1
	 * @return the framing
	 */
	public static FixedLengthFraming of(int length) {
		return new FixedLengthFraming(length);
	}

	/**
	 * Return the length of every message.
	 * @return the length in bytes
	 */
	public int length() {
		return this.length;
	}

	@Override
	public String name() {
		return "fixed-length";
	}

	@Override
	public boolean isCorrelated() {
		return false;
	}

	@Override
	public int defaultMaxFrameSize() {
		return Math.max(this.length, super.defaultMaxFrameSize());
	}

	@Override
	public int minFrameSizeLimit() {
		return this.length;
	}

	@Override
	@Nullable Message decode(ByteBuf in, int maxFrameSize) {
		if (in.readableBytes() < this.length) {
			return null;
		}
		ByteBuf payload = in.readRetainedSlice(this.length);
		return new Message(0, null, payload, this.length);
	}

	@Override
	ByteBuf encode(ByteBufAllocator alloc, int id, byte @Nullable [] echo, ByteBuf payload) {
		if (payload.readableBytes() != this.length) {
			int size = payload.readableBytes();
			payload.release();
			throw new IllegalArgumentException(
					"An answer of " + size + " bytes does not fit the fixed length of " + this.length + " bytes");
		}
		return payload;
	}

	@Override
	public String toString() {
		return "fixed-length[" + this.length + "]";
	}

}
