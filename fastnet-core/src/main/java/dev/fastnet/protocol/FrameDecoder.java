package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Decodes fastnet frames (see {@link FrameFormat}) and enforces every rule of the protocol.
 * <p>
 * The length field is checked before anything of the frame is buffered. On a violation the
 * decoder discards all further input and fires a {@link ProtocolException} (a
 * {@link FrameTooLargeException} for an oversized frame) through {@code exceptionCaught}; the
 * connection handler decides what to answer and closes the connection.
 * <p>
 * Decoded frames own a retained slice of the input (no copy); whoever reads a frame releases it.
 * Not sharable: one instance per channel.
 *
 * @since 0.1.0
 */
public class FrameDecoder extends ByteToMessageDecoder {

	private final int maxFrameSize;

	private final @Nullable LongAdder bytesRead;

	private final RouteCache routes = new RouteCache();

	private final boolean backpressure;

	private boolean paused;

	private boolean failed;

	private long decodedBytes;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the largest accepted length field, at least 8
	 */
	public FrameDecoder(int maxFrameSize) {
		this(maxFrameSize, null);
	}

	/**
	 * Create a decoder that counts the bytes of the frames it decodes.
	 * @param maxFrameSize the largest accepted length field, at least 8
	 * @param bytesRead counter of decoded bytes, or {@code null}
	 */
	public FrameDecoder(int maxFrameSize, @Nullable LongAdder bytesRead) {
		this(maxFrameSize, bytesRead, false);
	}

	/**
	 * Create a decoder that counts the bytes of the frames it decodes and, with backpressure,
	 * stops decoding while the channel is not writable: a peer that pipelines requests but does
	 * not read the answers cannot make this side queue more than the write-buffer high water
	 * mark, even within one read. Decoding resumes when the channel is writable again.
	 * @param maxFrameSize the largest accepted length field, at least 8
	 * @param bytesRead counter of decoded bytes, or {@code null}
	 * @param backpressure whether to pause decoding while the channel is not writable
	 */
	public FrameDecoder(int maxFrameSize, @Nullable LongAdder bytesRead, boolean backpressure) {
		if (maxFrameSize < FrameFormat.HEADER_LENGTH) {
			throw new IllegalArgumentException(
					"maxFrameSize must be at least " + FrameFormat.HEADER_LENGTH + ": " + maxFrameSize);
		}
		this.maxFrameSize = maxFrameSize;
		this.bytesRead = bytesRead;
		this.backpressure = backpressure;
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		if (this.paused && ctx.channel().isWritable()) {
			this.paused = false;
			// Decode what is already buffered: the peer may be waiting for these answers before it
			// sends anything more
			channelRead(ctx, Unpooled.EMPTY_BUFFER);
			channelReadComplete(ctx);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		// Counted once per read rather than per frame: a shared counter update per frame costs
		// more than the decoding of a small one
		if (this.bytesRead != null && this.decodedBytes != 0) {
			this.bytesRead.add(this.decodedBytes);
			this.decodedBytes = 0;
		}
		super.channelReadComplete(ctx);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		if (this.backpressure && !ctx.channel().isWritable()) {
			this.paused = true;
			return;
		}
		int readable = in.readableBytes();
		if (readable < FrameFormat.LENGTH_FIELD_SIZE) {
			return;
		}
		int start = in.readerIndex();
		long length = in.getUnsignedInt(start);
		if (length < FrameFormat.HEADER_LENGTH) {
			fail(ctx, in, new ProtocolException(ProtocolViolation.LENGTH_TOO_SMALL,
					"Frame length " + length + " is below the minimum " + FrameFormat.HEADER_LENGTH));
			return;
		}
		if (length > this.maxFrameSize) {
			if (readable < FrameFormat.PREFIX_WITH_ID) {
				// Wait for the id so that the peer can be told which request was refused
				return;
			}
			// Only a REQUEST is answered; one-way and control frames are never answered, not even here
			boolean request = in.getUnsignedByte(start + 5) == FrameType.REQUEST.code();
			fail(ctx, in, new FrameTooLargeException(length, this.maxFrameSize, in.getInt(start + 7), request));
			return;
		}
		int frameLength = (int) length;
		if (readable < FrameFormat.LENGTH_FIELD_SIZE + (long) frameLength) {
			return;
		}
		Frame frame = decodeFrame(ctx, in, start, frameLength);
		if (frame != null) {
			in.readerIndex(start + FrameFormat.LENGTH_FIELD_SIZE + frameLength);
			this.decodedBytes += FrameFormat.LENGTH_FIELD_SIZE + frameLength;
			out.add(frame);
		}
	}

	private @Nullable Frame decodeFrame(ChannelHandlerContext ctx, ByteBuf in, int start, int frameLength) {
		int end = start + FrameFormat.LENGTH_FIELD_SIZE + frameLength;
		int version = in.getUnsignedByte(start + 4);
		if (version != FrameFormat.VERSION) {
			return fail(ctx, in, new ProtocolException(ProtocolViolation.BAD_VERSION, "Unsupported version " + version));
		}
		int typeCode = in.getUnsignedByte(start + 5);
		FrameType type = FrameType.of(typeCode);
		if (type == null) {
			return fail(ctx, in, new ProtocolException(ProtocolViolation.UNKNOWN_TYPE, "Unknown frame type " + typeCode));
		}
		int flags = in.getUnsignedByte(start + 6);
		if ((flags & FrameFormat.RESERVED_FLAGS) != 0) {
			return fail(ctx, in,
					new ProtocolException(ProtocolViolation.RESERVED_FLAGS, "Reserved flag bits set: 0x" + Integer.toHexString(flags)));
		}
		int id = in.getInt(start + 7);
		int routeLength = in.getUnsignedByte(start + 11);
		int index = start + 12;
		if (index + routeLength > end) {
			return fail(ctx, in, new ProtocolException(ProtocolViolation.OVERRUN,
					"Route of " + routeLength + " bytes overruns a frame of length " + frameLength));
		}
		String route = "";
		if (routeLength > 0) {
			String cached = this.routes.get(in, index, routeLength);
			if (cached == null) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.INVALID_UTF8, "Route is not valid UTF-8"));
			}
			route = cached;
			index += routeLength;
		}
		Map<String, String> headers = Map.of();
		if ((flags & FrameFormat.FLAG_HEADERS) != 0) {
			if (index + 2 > end) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.OVERRUN, "Headers block size overruns the frame"));
			}
			int blockSize = in.getUnsignedShort(index);
			index += 2;
			if (index + blockSize > end) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.OVERRUN,
						"Headers block of " + blockSize + " bytes overruns a frame of length " + frameLength));
			}
			headers = decodeHeaders(in, index, index + blockSize);
			if (headers == null) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.OVERRUN, "Header entry overruns the headers block"));
			}
			if (headers == INVALID_UTF8) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.INVALID_UTF8, "Header is not valid UTF-8"));
			}
			index += blockSize;
		}
		ByteBuf payload = in.retainedSlice(index, end - index);
		return Frame.trusted(type, id, route, headers, payload);
	}

	private static final Map<String, String> INVALID_UTF8 = Map.of("", "");

	private static @Nullable Map<String, String> decodeHeaders(ByteBuf in, int index, int blockEnd) {
		Map<String, String> headers = new LinkedHashMap<>(8);
		while (index < blockEnd) {
			int keyLength = in.getUnsignedByte(index++);
			if (index + keyLength + 2 > blockEnd) {
				return null;
			}
			int keyIndex = index;
			index += keyLength;
			int valueLength = in.getUnsignedShort(index);
			index += 2;
			if (index + valueLength > blockEnd) {
				return null;
			}
			if (!ByteBufUtil.isText(in, keyIndex, keyLength, StandardCharsets.UTF_8)
					|| !ByteBufUtil.isText(in, index, valueLength, StandardCharsets.UTF_8)) {
				return INVALID_UTF8;
			}
			headers.put(in.toString(keyIndex, keyLength, StandardCharsets.UTF_8),
					in.toString(index, valueLength, StandardCharsets.UTF_8));
			index += valueLength;
		}
		return Collections.unmodifiableMap(headers);
	}

	private @Nullable Frame fail(ChannelHandlerContext ctx, ByteBuf in, ProtocolException ex) {
		this.failed = true;
		in.skipBytes(in.readableBytes());
		ctx.fireExceptionCaught(ex);
		return null;
	}

}
