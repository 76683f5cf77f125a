package dev.fastnet.framing;

import java.nio.ByteOrder;
import java.util.Objects;

import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * A length field described by its offset, size, adjustment and byte order, optionally a
 * correlation id field, then an opaque payload. The length counts the bytes after the
 * length field, plus the adjustment, plus the length field itself when it includes
 * itself. Bytes before the payload other than the two fields (a magic number, say) are
 * repeated in the answer.
 * <p>
 * With a correlation id, answers carry their request's id and may come in any order;
 * without one, a connection has one request at a time and answers come in order.
 *
 * <pre>
 * offset                size                 field
 * 0                     lengthFieldOffset    opaque header bytes, repeated in the answer
 * lengthFieldOffset     lengthFieldSize      length
 * correlationIdOffset   correlationIdSize    id (optional; anywhere in the header)
 * header end            ...                  payload
 * </pre>
 *
 * Anet's framing is the special case {@code lengthFieldSize=2}, big-endian,
 * {@code correlationIdOffset=2}, {@code correlationIdSize=4}: {@link Framing#anet()}.
 *
 * @since 0.1.0
 */
public final class LengthFieldFraming extends Framing {

	/** Largest anet length: the u16 counts the 4-byte task id and the payload. */
	public static final int ANET_MAX_LENGTH = 0xFFFF;

	/** Size of anet's task id. */
	public static final int ANET_TASK_ID_SIZE = 4;

	private static final long MAX_EXACT_LENGTH = 1L << 40;

	static final LengthFieldFraming ANET = new LengthFieldFraming("anet", 0, 2, 0, ByteOrder.BIG_ENDIAN, false, 2,
			ANET_TASK_ID_SIZE);

	private final String name;

	private final int lengthFieldOffset;

	private final int lengthFieldSize;

	private final int lengthAdjustment;

	private final ByteOrder byteOrder;

	private final boolean lengthIncludesItself;

	private final int correlationIdOffset;

	private final int correlationIdSize;

	private final int lengthEnd;

	private final int headerLength;

	// Whether the header holds bytes besides the two fields, which answers must repeat
	private final boolean echoes;

	private LengthFieldFraming(String name, int lengthFieldOffset, int lengthFieldSize, int lengthAdjustment,
			ByteOrder byteOrder, boolean lengthIncludesItself, int correlationIdOffset, int correlationIdSize) {
		if (lengthFieldOffset < 0 || lengthFieldOffset > FrameFormat.MAX_HEADERS_BLOCK) {
			throw new IllegalArgumentException("lengthFieldOffset must be between 0 and "
					+ FrameFormat.MAX_HEADERS_BLOCK + ": " + lengthFieldOffset);
		}
		if (lengthFieldSize != 1 && lengthFieldSize != 2 && lengthFieldSize != 4 && lengthFieldSize != 8) {
			throw new IllegalArgumentException("lengthFieldSize must be 1, 2, 4 or 8: " + lengthFieldSize);
		}
		if (correlationIdSize != 0 && correlationIdSize != 1 && correlationIdSize != 2 && correlationIdSize != 4) {
			throw new IllegalArgumentException("correlationIdSize must be 0 (none), 1, 2 or 4: " + correlationIdSize);
		}
		int lengthEnd = lengthFieldOffset + lengthFieldSize;
		if (correlationIdSize > 0) {
			if (correlationIdOffset < 0 || correlationIdOffset > FrameFormat.MAX_HEADERS_BLOCK) {
				throw new IllegalArgumentException("correlationIdOffset must be between 0 and "
						+ FrameFormat.MAX_HEADERS_BLOCK + ": " + correlationIdOffset);
			}
			if (correlationIdOffset < lengthEnd && correlationIdOffset + correlationIdSize > lengthFieldOffset) {
				throw new IllegalArgumentException("correlationIdOffset must not overlap the length field at "
						+ lengthFieldOffset + ".." + (lengthEnd - 1) + ": " + correlationIdOffset);
			}
		}
		this.name = name;
		this.lengthFieldOffset = lengthFieldOffset;
		this.lengthFieldSize = lengthFieldSize;
		this.lengthAdjustment = lengthAdjustment;
		this.byteOrder = Objects.requireNonNull(byteOrder, "byteOrder");
		this.lengthIncludesItself = lengthIncludesItself;
		this.correlationIdOffset = (correlationIdSize > 0) ? correlationIdOffset : -1;
		this.correlationIdSize = correlationIdSize;
		this.lengthEnd = lengthEnd;
		this.headerLength = Math.max(lengthEnd, correlationIdOffset + correlationIdSize);
		this.echoes = this.headerLength > lengthFieldSize + correlationIdSize;
		if (maxFrameSizeLimit() < minFrameSizeLimit()) {
			throw new IllegalArgumentException("lengthAdjustment leaves no room for a message in a " + lengthFieldSize
					+ "-byte length field: " + lengthAdjustment);
		}
	}

	/**
	 * Return a builder; every option starts at its default (a 4-byte big-endian length at
	 * offset 0 that does not count itself, no adjustment, no correlation id).
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public boolean isCorrelated() {
		return this.correlationIdSize > 0;
	}

	@Override
	public int defaultMaxFrameSize() {
		return Math.min(FrameFormat.DEFAULT_MAX_FRAME_SIZE, maxFrameSizeLimit());
	}

	/**
	 * Return the largest count of bytes after the length field that the field can
	 * express.
	 */
	@Override
	public int maxFrameSizeLimit() {
		if (this.lengthFieldSize == 8) {
			return Integer.MAX_VALUE;
		}
		long following = maxValue() + this.lengthAdjustment - (this.lengthIncludesItself ? this.lengthFieldSize : 0);
		return (int) Math.min(Integer.MAX_VALUE, following);
	}

	/**
	 * Return the bytes of the header after the length field: a message's smallest length.
	 */
	@Override
	public int minFrameSizeLimit() {
		return Math.max(1, this.headerLength - this.lengthEnd);
	}

	@Override
	String describe() {
		return (this == ANET) ? "anet" : this.name + " (" + this.lengthFieldSize + "-byte length)";
	}

	private long maxValue() {
		return (this.lengthFieldSize == 8) ? Long.MAX_VALUE : (1L << (8 * this.lengthFieldSize)) - 1;
	}

	/**
	 * @return bytes before the length field
	 */
	public int lengthFieldOffset() {
		return this.lengthFieldOffset;
	}

	/**
	 * @return size of the length field: 1, 2, 4 or 8 bytes
	 */
	public int lengthFieldSize() {
		return this.lengthFieldSize;
	}

	/**
	 * @return value added to the length field to get the bytes that follow it
	 */
	public int lengthAdjustment() {
		return this.lengthAdjustment;
	}

	/**
	 * @return byte order of the length and correlation id fields
	 */
	public ByteOrder byteOrder() {
		return this.byteOrder;
	}

	/**
	 * @return whether the length counts the length field itself
	 */
	public boolean lengthIncludesItself() {
		return this.lengthIncludesItself;
	}

	/**
	 * @return offset of the correlation id from the start of the frame, -1 for none
	 */
	public int correlationIdOffset() {
		return this.correlationIdOffset;
	}

	/**
	 * @return size of the correlation id: 0 for none, 1, 2 or 4 bytes
	 */
	public int correlationIdSize() {
		return this.correlationIdSize;
	}

	@Override
	@Nullable Message decode(ByteBuf in, int maxFrameSize) {
		if (in.readableBytes() < this.lengthEnd) {
			return null;
		}
		int start = in.readerIndex();
		long value = getUnsigned(in, start + this.lengthFieldOffset, this.lengthFieldSize);
		// A value beyond any int stays beyond it after the adjustment, and must not
		// overflow
		long following = (value < 0 || value > MAX_EXACT_LENGTH) ? Long.MAX_VALUE
				: value + this.lengthAdjustment - (this.lengthIncludesItself ? this.lengthFieldSize : 0);
		int minimum = this.headerLength - this.lengthEnd;
		if (following < minimum) {
			throw new ProtocolException(ProtocolViolation.LENGTH_TOO_SMALL,
					this.name + " frame length " + following + " is below minimum " + minimum);
		}
		if (following > maxFrameSize) {
			throw tooLarge(this.name, following, maxFrameSize);
		}
		int total = this.lengthEnd + (int) following;
		if (in.readableBytes() < total) {
			return null;
		}
		int id = isCorrelated() ? (int) getUnsigned(in, start + this.correlationIdOffset, this.correlationIdSize) : 0;
		byte[] echo = null;
		if (this.echoes) {
			echo = new byte[this.headerLength];
			in.getBytes(start, echo);
		}
		ByteBuf payload = in.retainedSlice(start + this.headerLength, total - this.headerLength);
		in.skipBytes(total);
		return new Message(id, echo, payload, total);
	}

	@Override
	ByteBuf encode(ByteBufAllocator alloc, int id, byte @Nullable [] echo, ByteBuf payload) {
		int payloadLength = payload.readableBytes();
		long value = (long) this.headerLength - this.lengthEnd + payloadLength - this.lengthAdjustment
				+ (this.lengthIncludesItself ? this.lengthFieldSize : 0);
		if (value < 0 || value > maxValue()) {
			payload.release();
			int maxPayload = maxFrameSizeLimit() - (this.headerLength - this.lengthEnd);
			throw new IllegalArgumentException("A payload of " + payloadLength + " bytes does not fit the " + describe()
					+ " framing: at most " + maxPayload + " bytes");
		}
		// The header is written straight into the frame's buffer: no header array per
		// frame
		boolean copy = payloadLength <= COPY_THRESHOLD;
		ByteBuf out = alloc.buffer(this.headerLength + (copy ? payloadLength : 0));
		try {
			if (echo != null) {
				out.writeBytes(echo);
			}
			else {
				out.writeZero(this.headerLength);
			}
			set(out, this.lengthFieldOffset, this.lengthFieldSize, value);
			if (isCorrelated()) {
				set(out, this.correlationIdOffset, this.correlationIdSize, id & 0xFFFFFFFFL);
			}
		}
		catch (RuntimeException | Error ex) {
			out.release();
			payload.release();
			throw ex;
		}
		if (copy) {
			out.writeBytes(payload, payload.readerIndex(), payloadLength);
			payload.release();
			return out;
		}
		return alloc.compositeBuffer(2).addComponents(true, out, payload);
	}

	private long getUnsigned(ByteBuf in, int index, int size) {
		boolean big = this.byteOrder == ByteOrder.BIG_ENDIAN;
		return switch (size) {
			case 1 -> in.getUnsignedByte(index);
			case 2 -> big ? in.getUnsignedShort(index) : in.getUnsignedShortLE(index);
			case 4 -> big ? in.getUnsignedInt(index) : in.getUnsignedIntLE(index);
			default -> big ? in.getLong(index) : in.getLongLE(index);
		};
	}

	private void set(ByteBuf out, int index, int size, long value) {
		// Written big-endian: a little-endian field is the same bytes in reverse
		long bits = (this.byteOrder == ByteOrder.BIG_ENDIAN) ? value : Long.reverseBytes(value) >>> (64 - 8 * size);
		switch (size) {
			case 1 -> out.setByte(index, (int) bits);
			case 2 -> out.setShort(index, (int) bits);
			case 4 -> out.setInt(index, (int) bits);
			default -> out.setLong(index, bits);
		}
	}

	@Override
	public String toString() {
		return (this == ANET) ? "anet"
				: this.name + "[offset=" + this.lengthFieldOffset + ", size=" + this.lengthFieldSize + ", adjustment="
						+ this.lengthAdjustment + ", order=" + this.byteOrder + ", includesItself="
						+ this.lengthIncludesItself + ", correlationId=" + this.correlationIdOffset + "/"
						+ this.correlationIdSize + "]";
	}

	/**
	 * Builds a {@link LengthFieldFraming}.
	 */
	public static final class Builder {

		private int lengthFieldOffset;

		private int lengthFieldSize = 4;

		private int lengthAdjustment;

		private ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;

		private boolean lengthIncludesItself;

		private int correlationIdOffset = -1;

		private int correlationIdSize;

		private Builder() {
		}

		/**
		 * @param offset bytes before the length field @return this builder
		 */
		public Builder lengthFieldOffset(int offset) {
			this.lengthFieldOffset = offset;
			return this;
		}

		/**
		 * @param size size of the length field: 1, 2, 4 or 8 bytes @return this builder
		 */
		public Builder lengthFieldSize(int size) {
			this.lengthFieldSize = size;
			return this;
		}

		/**
		 * @param adjustment value added to the length to get the bytes after the
		 * field @return this builder
		 */
		public Builder lengthAdjustment(int adjustment) {
			this.lengthAdjustment = adjustment;
			return this;
		}

		/**
		 * @param byteOrder byte order of the length and correlation id @return this
		 * builder
		 */
		public Builder byteOrder(ByteOrder byteOrder) {
			this.byteOrder = byteOrder;
			return this;
		}

		/**
		 * @param includesItself whether the length counts its own bytes @return this
		 * builder
		 */
		public Builder lengthIncludesItself(boolean includesItself) {
			this.lengthIncludesItself = includesItself;
			return this;
		}

		/**
		 * Set the correlation id field; answers then repeat it and may come in any order.
		 * @param offset offset from the start of the frame
		 * @param size 1, 2 or 4 bytes, or 0 for none
		 * @return this builder
		 */
		public Builder correlationId(int offset, int size) {
			this.correlationIdOffset = offset;
			this.correlationIdSize = size;
			return this;
		}

		/**
		 * Build and validate the framing.
		 * @return the framing
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public LengthFieldFraming build() {
			return new LengthFieldFraming("length-field", this.lengthFieldOffset, this.lengthFieldSize,
					this.lengthAdjustment, this.byteOrder, this.lengthIncludesItself, this.correlationIdOffset,
					this.correlationIdSize);
		}

	}

}
