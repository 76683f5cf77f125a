package dev.fastnet.framing;

import java.util.ArrayDeque;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Frames the answers of a server connection of a compatibility framing, and for a framing
 * without ids lets one request at a time through to the dispatcher.
 * <p>
 * Answers arrive here as the dispatcher encodes them for fastnet's wire (so that
 * fastnet's own listeners answer without a branch for other framings): a RESPONSE is
 * re-framed with its payload, not copied when large; an ERROR closes the connection, as
 * these framings cannot carry one, and is counted. Nothing else is ever written: no
 * GOAWAY, PONG or PUSH.
 */
final class ServerWireExchange extends ChannelDuplexHandler {

	private static final Log logger = LogFactory.getLog(ServerWireExchange.class);

	private static final int ANSWER_PREFIX = FrameFormat.LENGTH_FIELD_SIZE + FrameFormat.HEADER_LENGTH;

	private final WireState state;

	private final boolean sequential;

	private final ArrayDeque<Frame> waiting = new ArrayDeque<>();

	private boolean busy;

	ServerWireExchange(WireState state) {
		this.state = state;
		this.sequential = !state.framing.isCorrelated();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!this.sequential || !(msg instanceof Frame frame)) {
			ctx.fireChannelRead(msg);
			return;
		}
		if (!this.busy) {
			this.busy = true;
			ctx.fireChannelRead(frame);
			return;
		}
		// Held until the answer before it is written; reading pauses so that few are held
		this.waiting.add(frame);
		ctx.channel().config().setAutoRead(false);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf encoded) {
			int start = encoded.readerIndex();
			if (encoded.getByte(start + FrameFormat.TYPE_OFFSET) == FrameType.RESPONSE.code()) {
				int id = encoded.getInt(start + FrameFormat.ID_OFFSET);
				answer(ctx, id, encoded.skipBytes(ANSWER_PREFIX), promise);
			}
			else {
				encoded.release();
				unanswerable(ctx, promise, "an error");
			}
		}
		else if (msg instanceof Frame frame) {
			FrameType type = frame.type();
			if (type == FrameType.RESPONSE) {
				int id = frame.id();
				ByteBuf payload = frame.payload().retain();
				frame.release();
				answer(ctx, id, payload, promise);
				return;
			}
			frame.release();
			if (type == FrameType.ERROR) {
				unanswerable(ctx, promise, "an error");
			}
			else if (type == FrameType.PUSH) {
				promise.tryFailure(new UnsupportedOperationException(
						"The " + this.state.framing.name() + " framing cannot carry a PUSH"));
			}
			else {
				// GOAWAY and PONG have no equivalent: a compatibility peer never sees
				// unsolicited bytes
				promise.trySuccess();
			}
		}
		else {
			ctx.write(msg, promise);
		}
	}

	private void answer(ChannelHandlerContext ctx, int id, ByteBuf payload, ChannelPromise promise) {
		byte[] echo = this.state.takeEcho(id);
		ByteBuf framed;
		try {
			framed = this.state.framing.encode(ctx.alloc(), id, echo, payload);
		}
		catch (IllegalArgumentException ex) {
			unanswerable(ctx, promise, ex.getMessage());
			return;
		}
		this.state.counters.bytesWritten().add(framed.readableBytes());
		ctx.write(framed, promise);
		answered(ctx);
	}

	private void unanswerable(ChannelHandlerContext ctx, ChannelPromise promise, String what) {
		this.state.counters.unanswerable().increment();
		if (logger.isDebugEnabled()) {
			logger.debug("Closing " + this.state.framing.name() + " connection " + ctx.channel().remoteAddress()
					+ ": its answer was " + what + ", which the framing cannot carry");
		}
		promise.trySuccess();
		ctx.close();
	}

	private void answered(ChannelHandlerContext ctx) {
		if (!this.sequential) {
			return;
		}
		if (this.waiting.isEmpty()) {
			this.busy = false;
			return;
		}
		// Later, not from inside this write: a request answered on the event loop would
		// nest here
		ctx.executor().execute(() -> next(ctx));
	}

	private void next(ChannelHandlerContext ctx) {
		Frame frame = this.waiting.poll();
		if (frame == null) {
			this.busy = false;
			return;
		}
		if (this.waiting.isEmpty() && ctx.channel().isWritable()) {
			ctx.channel().config().setAutoRead(true);
		}
		if (!ctx.channel().isActive()) {
			frame.release();
			return;
		}
		ctx.fireChannelRead(frame);
		ctx.fireChannelReadComplete();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		Frame frame;
		while ((frame = this.waiting.poll()) != null) {
			frame.release();
		}
	}

}
