package dev.fastnet.spring.boot.autoconfigure;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.fastnet.framing.DelimiterFraming;
import dev.fastnet.framing.FixedLengthFraming;
import dev.fastnet.framing.Framing;
import dev.fastnet.framing.LengthFieldFraming;
import dev.fastnet.protocol.FrameFormat;
import org.jspecify.annotations.Nullable;

import org.springframework.validation.Errors;

/**
 * Framing properties shared by a server listener and a client: the framing and its
 * options.
 *
 * @since 0.1.0
 */
public class FramingProperties {

	/**
	 * Framing spoken on the connections: fastnet, anet, length-field, delimiter or
	 * fixed-length.
	 */
	private Type framing = Type.FASTNET;

	/**
	 * Bytes that end every message of the delimiter framing, as text (YAML escapes such
	 * as "\r\n" work in double quotes).
	 */
	private String delimiter = DelimiterFraming.CRLF;

	/**
	 * Length in bytes of every message of the fixed-length framing.
	 */
	private @Nullable Integer fixedLength;

	private final LengthField lengthField = new LengthField();

	public Type getFraming() {
		return this.framing;
	}

	public void setFraming(Type framing) {
		this.framing = framing;
	}

	public String getDelimiter() {
		return this.delimiter;
	}

	public void setDelimiter(String delimiter) {
		this.delimiter = delimiter;
	}

	public @Nullable Integer getFixedLength() {
		return this.fixedLength;
	}

	public void setFixedLength(@Nullable Integer fixedLength) {
		this.fixedLength = fixedLength;
	}

	public LengthField getLengthField() {
		return this.lengthField;
	}

	/**
	 * Convert to the core framing.
	 * @return the framing
	 * @throws IllegalArgumentException when an option is invalid
	 */
	public Framing toFraming() {
		return switch (this.framing) {
			case FASTNET -> Framing.fastnet();
			case ANET -> Framing.anet();
			case LENGTH_FIELD -> this.lengthField.toFraming();
			case DELIMITER -> DelimiterFraming.of(this.delimiter);
			case FIXED_LENGTH -> FixedLengthFraming.of((this.fixedLength != null) ? this.fixedLength : 0);
		};
	}

	/**
	 * Check the framing options.
	 * @param prefix the path of these properties below {@code fastnet}, ending with a dot
	 * @param errors where problems go, naming the property, the allowed values and the
	 * value
	 * @return the framing, or {@code null} when its options are invalid
	 */
	@Nullable Framing validateFraming(String prefix, Errors errors) {
		int before = errors.getErrorCount();
		switch (this.framing) {
			case LENGTH_FIELD -> this.lengthField.validate(prefix + "length-field.", errors);
			case DELIMITER -> {
				int length = this.delimiter.getBytes(StandardCharsets.UTF_8).length;
				if (length < 1 || length > 255) {
					errors.rejectValue(prefix + "delimiter", "range",
							"must be between 1 and 255 bytes but was " + length);
				}
			}
			case FIXED_LENGTH -> {
				if (this.fixedLength == null || this.fixedLength < 1) {
					errors.rejectValue(prefix + "fixed-length", "range", "must be between 1 and " + Integer.MAX_VALUE
							+ " for the fixed-length framing but was " + this.fixedLength);
				}
			}
			default -> {
			}
		}
		if (errors.getErrorCount() > before) {
			return null;
		}
		try {
			return toFraming();
		}
		catch (IllegalArgumentException ex) {
			errors.rejectValue(prefix + "framing", "invalid", ex.getMessage());
			return null;
		}
	}

	/**
	 * Framings by their configured name.
	 */
	public enum Type {

		/** fastnet's own frames, with routes, headers, PING and GOAWAY. */
		FASTNET,

		/**
		 * The Go library anet's framing: a big-endian u16 length counting the 4-byte task
		 * id and the payload, the task id, the payload.
		 */
		ANET,

		/** A length field described by the length-field properties, then the payload. */
		LENGTH_FIELD,

		/** Messages that end with the delimiter. */
		DELIMITER,

		/** Messages of the fixed length. */
		FIXED_LENGTH

	}

	/**
	 * Byte orders of the length field.
	 */
	public enum Order {

		/** Most significant byte first (network byte order). */
		BIG_ENDIAN,

		/** Least significant byte first. */
		LITTLE_ENDIAN

	}

	/**
	 * Options of the length-field framing.
	 */
	public static class LengthField {

		/**
		 * Size of the length field in bytes: 1, 2, 4 or 8.
		 */
		private int size = 4;

		/**
		 * Bytes before the length field; they are repeated in answers.
		 */
		private int offset;

		/**
		 * Value added to the length field to get the number of bytes that follow it.
		 */
		private int adjustment;

		/**
		 * Byte order of the length field and the correlation id.
		 */
		private Order byteOrder = Order.BIG_ENDIAN;

		/**
		 * Whether the length counts the length field itself.
		 */
		private boolean includesItself;

		/**
		 * Offset of the correlation id from the start of the frame. Without one, a
		 * connection has one request at a time, answered in order.
		 */
		private @Nullable Integer correlationIdOffset;

		/**
		 * Size of the correlation id in bytes: 1, 2 or 4.
		 */
		private int correlationIdSize = 4;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public int getOffset() {
			return this.offset;
		}

		public void setOffset(int offset) {
			this.offset = offset;
		}

		public int getAdjustment() {
			return this.adjustment;
		}

		public void setAdjustment(int adjustment) {
			this.adjustment = adjustment;
		}

		public Order getByteOrder() {
			return this.byteOrder;
		}

		public void setByteOrder(Order byteOrder) {
			this.byteOrder = byteOrder;
		}

		public boolean isIncludesItself() {
			return this.includesItself;
		}

		public void setIncludesItself(boolean includesItself) {
			this.includesItself = includesItself;
		}

		public @Nullable Integer getCorrelationIdOffset() {
			return this.correlationIdOffset;
		}

		public void setCorrelationIdOffset(@Nullable Integer correlationIdOffset) {
			this.correlationIdOffset = correlationIdOffset;
		}

		public int getCorrelationIdSize() {
			return this.correlationIdSize;
		}

		public void setCorrelationIdSize(int correlationIdSize) {
			this.correlationIdSize = correlationIdSize;
		}

		LengthFieldFraming toFraming() {
			LengthFieldFraming.Builder builder = LengthFieldFraming.builder()
				.lengthFieldSize(this.size)
				.lengthFieldOffset(this.offset)
				.lengthAdjustment(this.adjustment)
				.byteOrder((this.byteOrder == Order.BIG_ENDIAN) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
				.lengthIncludesItself(this.includesItself);
			if (this.correlationIdOffset != null) {
				builder.correlationId(this.correlationIdOffset, this.correlationIdSize);
			}
			return builder.build();
		}

		void validate(String prefix, Errors errors) {
			if (this.size != 1 && this.size != 2 && this.size != 4 && this.size != 8) {
				errors.rejectValue(prefix + "size", "range", "must be 1, 2, 4 or 8 but was " + this.size);
			}
			if (this.offset < 0 || this.offset > FrameFormat.MAX_HEADERS_BLOCK) {
				errors.rejectValue(prefix + "offset", "range",
						"must be between 0 and " + FrameFormat.MAX_HEADERS_BLOCK + " but was " + this.offset);
			}
			if (this.correlationIdOffset != null) {
				if (this.correlationIdSize != 1 && this.correlationIdSize != 2 && this.correlationIdSize != 4) {
					errors.rejectValue(prefix + "correlation-id-size", "range",
							"must be 1, 2 or 4 but was " + this.correlationIdSize);
				}
				int lengthEnd = this.offset + this.size;
				int offset = this.correlationIdOffset;
				if (offset < 0 || offset > FrameFormat.MAX_HEADERS_BLOCK) {
					errors.rejectValue(prefix + "correlation-id-offset", "range",
							"must be between 0 and " + FrameFormat.MAX_HEADERS_BLOCK + " but was " + offset);
				}
				else if (offset < lengthEnd && offset + this.correlationIdSize > this.offset) {
					errors.rejectValue(prefix + "correlation-id-offset", "overlap",
							"must not overlap the length field at " + this.offset + ".." + (lengthEnd - 1) + " but was "
									+ offset);
				}
			}
		}

	}

}
