package dev.fastnet.server;

import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameType;
import io.netty.channel.ChannelHandlerContext;

/**
 * The frame decoder of a server connection: remembers only registered routes, and answers a
 * request whose headers exceed the configured limits with ERROR 400 without decoding them,
 * keeping the connection.
 */
final class ServerFrameDecoder extends FrameDecoder {

	private final RequestDispatcher dispatcher;

	private final ServerConnection connection;

	ServerFrameDecoder(ServerConfig config, LongAdder bytesRead, RequestDispatcher dispatcher,
			ServerConnection connection) {
		super(config.maxFrameSize(), bytesRead, true, config.maxHeaderCount(), config.maxHeaderSize());
		this.dispatcher = dispatcher;
		this.connection = connection;
	}

	@Override
	protected boolean isCacheableRoute(String route) {
		return this.dispatcher.routes().get(route) != null;
	}

	@Override
	protected boolean headersRejected(ChannelHandlerContext ctx, Frame frame, String message) {
		if (frame.type() != FrameType.REQUEST && frame.type() != FrameType.ONEWAY) {
			// Nothing to answer: a control frame has no use for headers, let alone too many
			return false;
		}
		this.dispatcher.refuseHeaders(this.connection, frame, message);
		return true;
	}

}
