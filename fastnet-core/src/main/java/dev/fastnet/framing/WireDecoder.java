package dev.fastnet.framing;

import java.util.List;
import java.util.Map;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the messages of a compatibility framing into frames: REQUESTs to the listener's
 * route on a server, RESPONSEs on a client. A message that breaks the framing is reported
 * as a {@link ProtocolException}, and everything after it is discarded until the
 * connection closes.
 */
final class WireDecoder extends ByteToMessageDecoder {

	private final WireState state;

	private final @Nullable String route;

	private boolean failed;

	/**
	 * Create a decoder.
	 * @param route the route of every request on a server, {@code null} on a client
	 */
	WireDecoder(WireState state, @Nullable String route) {
		this.state = state;
		this.route = route;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		Framing.Message message;
		try {
			message = this.state.framing.decode(in, this.state.maxFrameSize);
			if (message == null) {
				return;
			}
			this.state.counters.bytesRead().add(message.length());
			out.add((this.route != null)
					? Frame.request(this.state.requestId(message), this.route, Map.of(), message.payload())
					: Frame.response(answerId(message), message.payload()));
		}
		catch (ProtocolException ex) {
			this.failed = true;
			in.skipBytes(in.readableBytes());
			// Fired as it is, not wrapped in a DecoderException: the connection's handler
			// counts it
			ctx.fireExceptionCaught(ex);
		}
	}

	private int answerId(Framing.Message message) {
		if (this.state.framing.isCorrelated()) {
			return message.id();
		}
		if (this.state.sentIds.isEmpty()) {
			message.payload().release();
			throw new ProtocolException(ProtocolViolation.UNEXPECTED_TYPE,
					"An answer arrived with no request waiting for it");
		}
		return this.state.sentIds.remove();
	}

}
