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
 * Decodes fastnet frames (see {@link FrameFormat}) and enforces every rule of the
 * protocol.
 * <p>
 * The length field is checked before anything of the frame is buffered. On a violation
 * the decoder discards all further input and fires a {@link ProtocolException} (a
 * {@link FrameTooLargeException} for an oversized frame) through {@code exceptionCaught};
 * the connection handler decides what to answer and closes the connection.
 * <p>
 * Decoded frames own a retained slice of the input (no copy); whoever reads a frame
 * releases it. Not sharable: one instance per channel.
 * <p>
 * Subclasses can limit headers (see the protected constructor and
 * {@link #headersRejected(ChannelHandlerContext, Frame, String)}), choose which routes
 * are worth caching ({@link #isCacheableRoute(String)}) and watch frames that arrive in
 * parts ({@link #partialFrame(ChannelHandlerContext, int, boolean)}).
 *
 * @since 0.1.0
 */
public class FrameDecoder extends ByteToMessageDecoder {

	private final int maxFrameSize;

	private final @Nullable LongAdder bytesRead;

	// The cache asks isCacheableRoute only while decoding, never during construction
	@SuppressWarnings("this-escape")
	private final RouteCache routes = new RouteCache(this::isCacheableRoute);

	private final boolean backpressure;

	private final int maxHeaderCount;

	private final int maxHeaderSize;

	private boolean paused;

	private boolean failed;

	private long decodedBytes;

	private boolean partialReported;

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
	 * Create a decoder that counts the bytes of the frames it decodes and, with
	 * backpressure, stops decoding while the channel is not writable: a peer that
	 * pipelines requests but does not read the answers cannot make this side queue more
	 * than the write-buffer high water mark, even within one read. Decoding resumes when
	 * the channel is writable again.
	 * @param maxFrameSize the largest accepted length field, at least 8
	 * @param bytesRead counter of decoded bytes, or {@code null}
	 * @param backpressure whether to pause decoding while the channel is not writable
	 */
	public FrameDecoder(int maxFrameSize, @Nullable LongAdder bytesRead, boolean backpressure) {
		this(maxFrameSize, bytesRead, backpressure, Integer.MAX_VALUE, FrameFormat.MAX_HEADERS_BLOCK);
	}

	/**
	 * Create a decoder that also limits the headers of a frame. A frame over a limit is
	 * handed to {@link #headersRejected(ChannelHandlerContext, Frame, String)} without
	 * its headers, which are never decoded.
	 * @param maxFrameSize the largest accepted length field, at least 8
	 * @param bytesRead counter of decoded bytes, or {@code null}
	 * @param backpressure whether to pause decoding while the channel is not writable
	 * @param maxHeaderCount the most header entries accepted in one frame
	 * @param maxHeaderSize the largest headers block accepted, in bytes
	 */
	protected FrameDecoder(int maxFrameSize, @Nullable LongAdder bytesRead, boolean backpressure, int maxHeaderCount,
			int maxHeaderSize) {
		if (maxFrameSize < FrameFormat.HEADER_LENGTH) {
			throw new IllegalArgumentException(
					"maxFrameSize must be at least " + FrameFormat.HEADER_LENGTH + ": " + maxFrameSize);
		}
		this.maxFrameSize = maxFrameSize;
		this.bytesRead = bytesRead;
		this.backpressure = backpressure;
		this.maxHeaderCount = maxHeaderCount;
		this.maxHeaderSize = maxHeaderSize;
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		if (this.paused && ctx.channel().isWritable()) {
			this.paused = false;
			// Decode what is already buffered: the peer may be waiting for these answers
			// before it
			// sends anything more
			channelRead(ctx, Unpooled.EMPTY_BUFFER);
			channelReadComplete(ctx);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		long decoded = this.decodedBytes;
		if (decoded != 0) {
			this.decodedBytes = 0;
			// Counted once per read rather than per frame: a shared counter update per
			// frame costs
			// more than the decoding of a small one
			if (this.bytesRead != null) {
				this.bytesRead.add(decoded);
			}
		}
		// What decoding left is the beginning of a frame, unless decoding is paused or
		// gave up.
		// A read that ends on a frame boundary after one that did too, as most do, costs
		// only
		// these tests
		int partial = (this.paused || this.failed) ? 0 : actualReadableBytes();
		if (partial != 0 || this.partialReported) {
			boolean sameFrame = this.partialReported && decoded == 0 && partial != 0;
			this.partialReported = (partial != 0);
			partialFrame(ctx, partial, sameFrame);
		}
		super.channelReadComplete(ctx);
	}

	/**
	 * Called at the end of a read that leaves part of a frame buffered, and at the end of
	 * the next read after such a one even when nothing is left. Does nothing by default.
	 * @param ctx the context
	 * @param bufferedBytes bytes of the unfinished frame held now, 0 when none is left
	 * @param sameFrame whether these bytes begin the same frame as at the last call
	 */
	protected void partialFrame(ChannelHandlerContext ctx, int bufferedBytes, boolean sameFrame) {
	}

	/**
	 * Handle a frame whose headers exceed this decoder's limits, on its event loop. By
	 * default the frame is a protocol error that closes the connection.
	 * @param ctx the context
	 * @param frame the frame without its headers and without its payload
	 * @param message what was exceeded
	 * @return whether the frame was handled and the connection can go on; {@code false}
	 * to treat it as a protocol error
	 */
	protected boolean headersRejected(ChannelHandlerContext ctx, Frame frame, String message) {
		return false;
	}

	/**
	 * Return whether a route not seen before is worth remembering, so that decoding it
	 * again allocates nothing. Called once for each new route a peer sends; by default
	 * every route.
	 * @param route the route
	 * @return whether to cache it
	 */
	protected boolean isCacheableRoute(String route) {
		return true;
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
			// Only a REQUEST is answered; one-way and control frames are never answered,
			// not even here
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
			return fail(ctx, in,
					new ProtocolException(ProtocolViolation.BAD_VERSION, "Unsupported version " + version));
		}
		int typeCode = in.getUnsignedByte(start + 5);
		FrameType type = FrameType.of(typeCode);
		if (type == null) {
			return fail(ctx, in,
					new ProtocolException(ProtocolViolation.UNKNOWN_TYPE, "Unknown frame type " + typeCode));
		}
		int flags = in.getUnsignedByte(start + 6);
		if ((flags & FrameFormat.RESERVED_FLAGS) != 0) {
			return fail(ctx, in, new ProtocolException(ProtocolViolation.RESERVED_FLAGS,
					"Reserved flag bits set: 0x" + Integer.toHexString(flags)));
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
				return fail(ctx, in,
						new ProtocolException(ProtocolViolation.OVERRUN, "Headers block size overruns the frame"));
			}
			int blockSize = in.getUnsignedShort(index);
			index += 2;
			if (index + blockSize > end) {
				return fail(ctx, in, new ProtocolException(ProtocolViolation.OVERRUN,
						"Headers block of " + blockSize + " bytes overruns a frame of length " + frameLength));
			}
			if (blockSize > this.maxHeaderSize) {
				return rejectHeaders(ctx, in, Frame.trusted(type, id, route, Map.of(), Unpooled.EMPTY_BUFFER), end,
						"Headers block of " + blockSize + " bytes exceeds the maximum of " + this.maxHeaderSize);
			}
			headers = decodeHeaders(in, index, index + blockSize, this.maxHeaderCount);
			if (headers == null) {
				return fail(ctx, in,
						new ProtocolException(ProtocolViolation.OVERRUN, "Header entry overruns the headers block"));
			}
			if (headers == INVALID_UTF8) {
				return fail(ctx, in,
						new ProtocolException(ProtocolViolation.INVALID_UTF8, "Header is not valid UTF-8"));
			}
			if (headers == TOO_MANY) {
				return rejectHeaders(ctx, in, Frame.trusted(type, id, route, Map.of(), Unpooled.EMPTY_BUFFER), end,
						"More than " + this.maxHeaderCount + " header entries");
			}
			index += blockSize;
		}
		ByteBuf payload = in.retainedSlice(index, end - index);
		return Frame.trusted(type, id, route, headers, payload);
	}

	private @Nullable Frame rejectHeaders(ChannelHandlerContext ctx, ByteBuf in, Frame frame, int end, String message) {
		if (!headersRejected(ctx, frame, message)) {
			return fail(ctx, in, new ProtocolException(ProtocolViolation.MALFORMED, message));
		}
		// Skipped whole: the peer stays in step and can send the next frame
		this.decodedBytes += end - in.readerIndex();
		in.readerIndex(end);
		return null;
	}

	private static final Map<String, String> INVALID_UTF8 = Map.of("", "");

	private static final Map<String, String> TOO_MANY = Map.of("", "");

	private static @Nullable Map<String, String> decodeHeaders(ByteBuf in, int index, int blockEnd, int maxCount) {
		Map<String, String> headers = new LinkedHashMap<>(8);
		int count = 0;
		while (index < blockEnd) {
			if (count++ == maxCount) {
				return TOO_MANY;
			}
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
