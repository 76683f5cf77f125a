package dev.fastnet.server;

import java.nio.channels.ClosedChannelException;

import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Carries fastnet frames in binary WebSocket messages: the content of each inbound
 * message, exactly one frame, goes on to the frame decoder, and each encoded frame goes
 * out as one binary message. A text message, a message that is not exactly one frame, or
 * one larger than the maximum frame size is a protocol error that closes the connection
 * with a WebSocket close code; an HTTP request for another path is answered 404 and
 * closed.
 */
final class WebSocketFrameAdapter extends ChannelDuplexHandler {

	// Frames written before the upgrade completed, such as a GOAWAY, have nobody to read
	// them
	private boolean open;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof BinaryWebSocketFrame binary) {
			ByteBuf content = binary.content();
			int size = content.readableBytes();
			if (size < FrameFormat.LENGTH_FIELD_SIZE
					|| content.getUnsignedInt(content.readerIndex()) != size - FrameFormat.LENGTH_FIELD_SIZE) {
				binary.release();
				refuse(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, ProtocolViolation.MALFORMED,
						"A WebSocket message must hold exactly one fastnet frame: " + size + " bytes");
				return;
			}
			// Ownership of the content, and with it of the message, passes to the frame
			// decoder
			ctx.fireChannelRead(content);
		}
		else if (msg instanceof WebSocketFrame other) {
			// Ping, pong and close frames are answered by Netty's protocol handler before
			// this one
			other.release();
			refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, ProtocolViolation.UNEXPECTED_TYPE,
					"Fastnet frames travel in binary WebSocket messages, not " + other.getClass().getSimpleName());
		}
		else if (msg instanceof HttpRequest request) {
			// The protocol handler passes on requests for other paths only
			HttpVersion version = request.protocolVersion();
			ReferenceCountUtil.release(msg);
			FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.NOT_FOUND,
					Unpooled.EMPTY_BUFFER);
			response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
			response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}
		else {
			ctx.fireChannelRead(msg);
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
			this.open = true;
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof TooLongFrameException || (cause instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG))) {
			// A message over the limit, in one WebSocket frame or in fragments
			refuse(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, ProtocolViolation.FRAME_TOO_LARGE, cause.getMessage());
		}
		else if (cause instanceof CorruptedWebSocketFrameException) {
			refuse(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, ProtocolViolation.MALFORMED, cause.getMessage());
		}
		else {
			ctx.fireExceptionCaught(cause);
		}
	}

	/**
	 * Send a close frame, then hand the protocol error on to the connection, which counts
	 * it and closes the connection.
	 */
	private void refuse(ChannelHandlerContext ctx, WebSocketCloseStatus status, ProtocolViolation violation,
			String message) {
		if (this.open && ctx.channel().isActive()) {
			ctx.writeAndFlush(new CloseWebSocketFrame(status), ctx.voidPromise());
		}
		ctx.fireExceptionCaught(new ProtocolException(violation, message));
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof ByteBuf encoded)) {
			ctx.write(msg, promise);
			return;
		}
		if (!this.open) {
			encoded.release();
			if (!promise.isVoid()) {
				promise.tryFailure(new ClosedChannelException());
			}
			return;
		}
		ctx.write(new BinaryWebSocketFrame(encoded), promise);
	}

}
