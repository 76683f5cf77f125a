package dev.fastnet.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Sits on a listener's server channel and closes accepted connections beyond the server's
 * limit (shared by all its listeners) or the listener's own before they are registered,
 * so nothing is read from them.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

	private final int maxConnections;

	private final ServerStats stats;

	private final ServerListener listener;

	private final int listenerMaxConnections;

	ConnectionLimitHandler(int maxConnections, ServerStats stats, ServerListener listener) {
		this.maxConnections = maxConnections;
		this.stats = stats;
		this.listener = listener;
		int listenerMax = listener.config().maxConnections();
		this.listenerMaxConnections = (listenerMax > 0) ? listenerMax : Integer.MAX_VALUE;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		Channel child = (Channel) msg;
		if (this.stats.connectionsOpen.incrementAndGet() > this.maxConnections) {
			this.stats.connectionsOpen.decrementAndGet();
			reject(child);
			return;
		}
		if (this.listener.connectionsOpen.incrementAndGet() > this.listenerMaxConnections) {
			this.listener.connectionsOpen.decrementAndGet();
			this.stats.connectionsOpen.decrementAndGet();
			reject(child);
			return;
		}
		this.stats.connectionsAccepted.increment();
		this.listener.connectionsAccepted.increment();
		child.closeFuture().addListener((future) -> {
			this.stats.connectionsOpen.decrementAndGet();
			this.listener.connectionsOpen.decrementAndGet();
		});
		ctx.fireChannelRead(child);
	}

	private void reject(Channel child) {
		this.stats.connectionsRejected.increment();
		// RST instead of FIN: the peer learns at once and no TIME_WAIT piles up here
		child.config().setOption(ChannelOption.SO_LINGER, 0);
		child.unsafe().closeForcibly();
	}

}
