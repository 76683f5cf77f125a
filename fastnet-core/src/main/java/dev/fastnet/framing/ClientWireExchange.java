package dev.fastnet.framing;

import dev.fastnet.Status;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Frames the requests of a client connection of a compatibility framing: the payload and
 * the id go out, the route and headers stay behind. A PING is answered with a PONG right
 * here, as the framing has no PING and its servers take any unexpected byte as a broken
 * message: the connection counts as alive while TCP keeps it open. A payload the framing
 * cannot carry is answered ERROR 413 without being sent.
 */
final class ClientWireExchange extends ChannelDuplexHandler {

	private final WireState state;

	ClientWireExchange(WireState state) {
		this.state = state;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof Frame frame)) {
			ctx.write(msg, promise);
			return;
		}
		FrameType type = frame.type();
		if (type == FrameType.REQUEST) {
			int id = frame.id();
			ByteBuf payload = frame.payload().retain();
			frame.release();
			ByteBuf framed;
			try {
				framed = this.state.framing.encode(ctx.alloc(), id, null, payload);
			}
			catch (IllegalArgumentException ex) {
				// Failed as the server would fail a frame too large, so that only this
				// call fails
				// rather than every call on the connection
				promise.trySuccess();
				String message = ex.getMessage();
				ctx.executor().execute(() -> {
					ctx.fireChannelRead(Frame.error(ctx.alloc(), id, Status.FRAME_TOO_LARGE.code(), message));
					ctx.fireChannelReadComplete();
				});
				return;
			}
			if (!this.state.framing.isCorrelated()) {
				this.state.sentIds.add(id);
			}
			ctx.write(framed, promise);
			return;
		}
		frame.release();
		if (type == FrameType.PING) {
			promise.trySuccess();
			ctx.executor().execute(() -> {
				ctx.fireChannelRead(Frame.pong(0));
				ctx.fireChannelReadComplete();
			});
			return;
		}
		promise.tryFailure(new UnsupportedOperationException(
				"The " + this.state.framing.name() + " framing cannot send a " + type + " frame"));
	}

}
