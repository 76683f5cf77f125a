package dev.fastnet.internal;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Converts the values handlers return into payload buffers.
 */
public final class Payloads {

	private Payloads() {
	}

	/**
	 * Convert a handler's return value into a payload.
	 * @param alloc allocator for text
	 * @param value a {@link ByteBuf} (ownership passes to the result), {@code byte[]},
	 * {@link ByteBuffer}, {@link CharSequence} or {@code null}
	 * @return the payload; the caller owns it
	 * @throws IllegalArgumentException for any other type
	 */
	public static ByteBuf toByteBuf(ByteBufAllocator alloc, @Nullable Object value) {
		if (value == null) {
			return Unpooled.EMPTY_BUFFER;
		}
		if (value instanceof ByteBuf buf) {
			return buf;
		}
		if (value instanceof byte[] bytes) {
			return (bytes.length == 0) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
		}
		if (value instanceof ByteBuffer buffer) {
			return Unpooled.wrappedBuffer(buffer);
		}
		if (value instanceof CharSequence text) {
			return (text.length() == 0) ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, text);
		}
		throw new IllegalArgumentException("Unsupported payload type " + value.getClass().getName()
				+ ": return a ByteBuf, byte[], ByteBuffer, CharSequence or null");
	}

	/**
	 * Release a value if it is reference counted.
	 * @param value the value
	 */
	public static void release(@Nullable Object value) {
		ReferenceCountUtil.release(value);
	}

}
