package dev.fastnet.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Sits on the server channel and closes accepted connections beyond the limit before they are
 * registered, so nothing is read from them.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

	private final int maxConnections;

	private final ServerStats stats;

	ConnectionLimitHandler(int maxConnections, ServerStats stats) {
		this.maxConnections = maxConnections;
		this.stats = stats;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		Channel child = (Channel) msg;
		if (this.stats.connectionsOpen.incrementAndGet() > this.maxConnections) {
			this.stats.connectionsOpen.decrementAndGet();
			this.stats.connectionsRejected.increment();
			// RST instead of FIN: the peer learns at once and no TIME_WAIT piles up here
			child.config().setOption(ChannelOption.SO_LINGER, 0);
			child.unsafe().closeForcibly();
			return;
		}
		this.stats.connectionsAccepted.increment();
		child.closeFuture().addListener((future) -> this.stats.connectionsOpen.decrementAndGet());
		ctx.fireChannelRead(child);
	}

}
