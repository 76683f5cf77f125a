package dev.fastnet.protocol;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import org.jspecify.annotations.Nullable;

/**
 * Encodes {@link Frame}s. Small payloads are copied behind the header into one buffer;
 * larger ones are not copied but sent after the header as one composite buffer. Ownership
 * of a written frame passes to the encoder, which releases it in every case. Sharable
 * when it counts nothing; an encoder that counts bytes belongs to one channel.
 *
 * @since 0.1.0
 */
public class FrameEncoder extends ChannelOutboundHandlerAdapter {

	/** Payloads up to this size are copied: one small copy beats a composite buffer. */
	static final int COPY_THRESHOLD = 1024;

	private final @Nullable LongAdder bytesWritten;

	private long encodedBytes;

	/**
	 * Create an encoder.
	 */
	public FrameEncoder() {
		this(null);
	}

	@Override
	public boolean isSharable() {
		return this.bytesWritten == null;
	}

	/**
	 * Create an encoder that counts the bytes it encodes.
	 * @param bytesWritten counter of encoded bytes, or {@code null}
	 */
	public FrameEncoder(@Nullable LongAdder bytesWritten) {
		this.bytesWritten = bytesWritten;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof Frame frame)) {
			if (this.bytesWritten != null && msg instanceof ByteBuf encoded) {
				// A frame encoded by the thread that produced it
				this.encodedBytes += encoded.readableBytes();
			}
			ctx.write(msg, promise);
			return;
		}
		ByteBuf encoded;
		try {
			encoded = encode(ctx.alloc(), frame);
		}
		catch (RuntimeException ex) {
			promise.setFailure((ex instanceof EncoderException) ? ex : new EncoderException(ex));
			return;
		}
		finally {
			frame.release();
		}
		if (this.bytesWritten != null) {
			this.encodedBytes += encoded.readableBytes();
		}
		ctx.write(encoded, promise);
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		// Counted once per flush rather than per frame
		if (this.bytesWritten != null && this.encodedBytes != 0) {
			this.bytesWritten.add(this.encodedBytes);
			this.encodedBytes = 0;
		}
		ctx.flush();
	}

	/**
	 * Encode a frame. The frame keeps its payload: the caller still releases the frame.
	 * @param alloc the allocator
	 * @param frame the frame
	 * @return the encoded bytes; the caller owns them
	 */
	public static ByteBuf encode(ByteBufAllocator alloc, Frame frame) {
		return encodeMessage(alloc, frame.type(), frame.id(), frame.route(), frame.headers(), 0, frame.payload(),
				false);
	}

	/**
	 * Encode a REQUEST without making a {@link Frame} of it first, as a client sends on
	 * its hot path.
	 * @param alloc the allocator
	 * @param id the request's id
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param timeoutMillis when positive, sent as the
	 * {@value FrameFormat#HEADER_TIMEOUT_MS} header in place of one among {@code headers}
	 * @param payload the payload; ownership passes to the encoding, which releases it or
	 * holds it
	 * @return the encoded bytes; the caller owns them
	 */
	public static ByteBuf encodeRequest(ByteBufAllocator alloc, int id, String route, Map<String, String> headers,
			long timeoutMillis, ByteBuf payload) {
		try {
			return encodeMessage(alloc, FrameType.REQUEST, id, route, headers, timeoutMillis, payload, true);
		}
		catch (RuntimeException | Error ex) {
			// Thrown before the payload is taken: nothing after that point fails
			payload.release();
			throw ex;
		}
	}

	/**
	 * Encode a REQUEST at the end of a buffer that gathers several messages, copying its
	 * payload, as a client batches the small requests of one event-loop turn into one
	 * write.
	 * @param out the buffer; grown as needed
	 * @param id the request's id
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param timeoutMillis when positive, sent as the
	 * {@value FrameFormat#HEADER_TIMEOUT_MS} header in place of one among {@code headers}
	 * @param payload the payload; released here, whether or not encoding succeeds
	 * @throws EncoderException when the request cannot be encoded; {@code out} is then
	 * left as it was
	 */
	public static void encodeRequest(ByteBuf out, int id, String route, Map<String, String> headers, long timeoutMillis,
			ByteBuf payload) {
		try {
			encodeMessage(out.alloc(), out, FrameType.REQUEST, id, route, headers, timeoutMillis, payload, true);
		}
		catch (RuntimeException | Error ex) {
			// Thrown before the payload is copied and released: nothing after that fails
			payload.release();
			throw ex;
		}
	}

	/**
	 * Return whether a payload this long is copied behind the frame's header rather than
	 * sent as a buffer of its own.
	 * @param payloadLength the payload's length in bytes
	 * @return {@code true} when it is copied
	 */
	public static boolean copiesPayload(int payloadLength) {
		return payloadLength <= COPY_THRESHOLD;
	}

	private static ByteBuf encodeMessage(ByteBufAllocator alloc, FrameType type, int id, String route,
			Map<String, String> headers, long timeoutMillis, ByteBuf payload, boolean takePayload) {
		return encodeMessage(alloc, null, type, id, route, headers, timeoutMillis, payload, takePayload);
	}

	/**
	 * Encode a message into a new buffer, or at the end of {@code into} when given (the
	 * payload is then always copied; the caller made sure it is small).
	 */
	private static ByteBuf encodeMessage(ByteBufAllocator alloc, @Nullable ByteBuf into, FrameType type, int id,
			String route, Map<String, String> headers, long timeoutMillis, ByteBuf payload, boolean takePayload) {
		int routeLength = route.isEmpty() ? 0 : ByteBufUtil.utf8Bytes(route);
		if (routeLength > FrameFormat.MAX_ROUTE_LENGTH) {
			throw new EncoderException(
					"Route must be at most " + FrameFormat.MAX_ROUTE_LENGTH + " UTF-8 bytes: " + route);
		}
		boolean sendTimeout = timeoutMillis > 0;
		String timeout = sendTimeout ? Long.toString(timeoutMillis) : null;
		boolean hasHeaders = sendTimeout || !headers.isEmpty();
		int headersBlock = hasHeaders ? headersBlockSize(headers, timeout) : 0;
		int payloadLength = payload.readableBytes();
		long length = (long) FrameFormat.HEADER_LENGTH + routeLength + (hasHeaders ? 2 + headersBlock : 0)
				+ payloadLength;
		if (length > Integer.MAX_VALUE) {
			throw new EncoderException("Frame length " + length + " exceeds maximum " + Integer.MAX_VALUE);
		}
		int prefixLength = (int) (FrameFormat.LENGTH_FIELD_SIZE + length - payloadLength);
		boolean copy = into != null || payloadLength <= COPY_THRESHOLD;
		ByteBuf out;
		int start;
		if (into != null) {
			into.ensureWritable(prefixLength + payloadLength);
			out = into;
			start = into.writerIndex();
		}
		else {
			out = alloc.buffer(copy ? prefixLength + payloadLength : prefixLength);
			start = 0;
		}
		try {
			out.writeInt((int) length);
			out.writeByte(FrameFormat.VERSION);
			out.writeByte(type.code());
			out.writeByte(hasHeaders ? FrameFormat.FLAG_HEADERS : 0);
			out.writeInt(id);
			out.writeByte(routeLength);
			if (routeLength > 0) {
				ByteBufUtil.reserveAndWriteUtf8(out, route, routeLength);
			}
			if (hasHeaders) {
				out.writeShort(headersBlock);
				for (Map.Entry<String, String> header : headers.entrySet()) {
					if (!sendTimeout || !FrameFormat.HEADER_TIMEOUT_MS.equals(header.getKey())) {
						writeHeader(out, header.getKey(), header.getValue());
					}
				}
				if (sendTimeout) {
					writeHeader(out, FrameFormat.HEADER_TIMEOUT_MS, timeout);
				}
			}
		}
		catch (RuntimeException | Error ex) {
			if (into != null) {
				// What was written of this message goes; the messages before it stay
				into.writerIndex(start);
			}
			else {
				out.release();
			}
			throw ex;
		}
		if (copy) {
			copyPayload(payload, out, payloadLength);
			if (takePayload) {
				payload.release();
			}
			return out;
		}
		CompositeByteBuf composite = alloc.compositeBuffer(2);
		composite.addComponents(true, out, takePayload ? payload : payload.retainedSlice());
		return composite;
	}

	/**
	 * Append the payload to the encoded bytes. Read by the payload rather than written by
	 * the output: an adaptive (Netty 4.2 default) output buffer copies from any other
	 * kind of buffer through temporary NIO views, three objects per copy, while a direct
	 * or heap payload copies straight into memory that has an address.
	 */
	private static void copyPayload(ByteBuf payload, ByteBuf out, int length) {
		int at = out.writerIndex();
		payload.getBytes(payload.readerIndex(), out, at, length);
		out.writerIndex(at + length);
	}

	private static void writeHeader(ByteBuf out, String key, String value) {
		out.writeByte(ByteBufUtil.utf8Bytes(key));
		ByteBufUtil.writeUtf8(out, key);
		out.writeShort(ByteBufUtil.utf8Bytes(value));
		ByteBufUtil.writeUtf8(out, value);
	}

	/**
	 * Encode a RESPONSE without making a {@link Frame} of it first, as a server answers
	 * on its hot path.
	 * @param alloc the allocator
	 * @param id the id of the request answered
	 * @param payload the payload; ownership passes to the encoding, which releases it or
	 * holds it
	 * @return the encoded bytes; the caller owns them
	 */
	public static ByteBuf encodeResponse(ByteBufAllocator alloc, int id, ByteBuf payload) {
		int payloadLength = payload.readableBytes();
		int prefixLength = FrameFormat.LENGTH_FIELD_SIZE + FrameFormat.HEADER_LENGTH;
		boolean copy = payloadLength <= COPY_THRESHOLD;
		ByteBuf out;
		try {
			out = alloc.buffer(copy ? prefixLength + payloadLength : prefixLength);
		}
		catch (RuntimeException | Error ex) {
			payload.release();
			throw ex;
		}
		out.writeInt(FrameFormat.HEADER_LENGTH + payloadLength);
		out.writeByte(FrameFormat.VERSION);
		out.writeByte(FrameType.RESPONSE.code());
		out.writeByte(0);
		out.writeInt(id);
		out.writeByte(0);
		if (copy) {
			copyPayload(payload, out, payloadLength);
			payload.release();
			return out;
		}
		CompositeByteBuf composite = alloc.compositeBuffer(2);
		composite.addComponents(true, out, payload);
		return composite;
	}

	private static int headersBlockSize(Map<String, String> headers, @Nullable String timeout) {
		int size = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (timeout != null && FrameFormat.HEADER_TIMEOUT_MS.equals(header.getKey())) {
				continue;
			}
			int keyLength = ByteBufUtil.utf8Bytes(header.getKey());
			int valueLength = ByteBufUtil.utf8Bytes(header.getValue());
			if (keyLength > 255) {
				throw new EncoderException("Header key must be at most 255 UTF-8 bytes: " + header.getKey());
			}
			if (valueLength > 0xFFFF) {
				throw new EncoderException("Header value must be at most 65535 UTF-8 bytes: " + valueLength);
			}
			size += 1 + keyLength + 2 + valueLength;
		}
		if (timeout != null) {
			size += 1 + FrameFormat.HEADER_TIMEOUT_MS.length() + 2 + timeout.length();
		}
		if (size > FrameFormat.MAX_HEADERS_BLOCK) {
			throw new EncoderException(
					"Headers block of " + size + " bytes exceeds maximum " + FrameFormat.MAX_HEADERS_BLOCK);
		}
		return size;
	}

}
