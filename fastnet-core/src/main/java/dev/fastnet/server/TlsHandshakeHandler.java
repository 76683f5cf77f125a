package dev.fastnet.server;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sits behind the {@code SslHandler}: counts the connections whose handshake failed, by
 * reason, and closes them without a stack trace; a peer that fails TLS is not fastnet's
 * error.
 */
@ChannelHandler.Sharable
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(TlsHandshakeHandler.class);

	private final ServerStats stats;

	TlsHandshakeHandler(ServerStats stats) {
		this.stats = stats;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
			TlsHandshakeFailure failure = TlsHandshakeFailure.of(completion.cause());
			this.stats.tlsHandshakeFailed(failure);
			if (logger.isDebugEnabled()) {
				logger.debug("TLS handshake with " + ctx.channel().remoteAddress() + " failed (" + failure.tag() + "): "
						+ completion.cause());
			}
			ctx.close();
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable tls = (cause instanceof DecoderException) ? cause.getCause() : cause;
		if (tls instanceof SSLException) {
			// Counted with the handshake completion event, or a record broken after it
			logger.debug("Closing connection " + ctx.channel().remoteAddress() + " after a TLS error: " + tls);
			ctx.close();
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

}
