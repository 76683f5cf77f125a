package dev.fastnet.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The handler of a UDP listener's channel: takes each datagram that holds exactly one
 * fastnet frame to the session of its sender, opening one when there is none, within the
 * server's and the listener's connection limits. Other datagrams are dropped and counted;
 * no connection exists to close.
 * <p>
 * Touched only on the event loop of the listener's channel, which its sessions share.
 */
final class DatagramListenerHandler extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(DatagramListenerHandler.class);

	private final ServerListener listener;

	private final ServerStats stats;

	private final int maxConnections;

	private final int listenerMaxConnections;

	private final Consumer<Channel> sessionInitializer;

	private final Map<InetSocketAddress, DatagramSessionChannel> sessions = new HashMap<>();

	// Sessions that received datagrams in the current read, told when it completes
	private final List<DatagramSessionChannel> reading = new ArrayList<>();

	/**
	 * @param sessionInitializer builds the pipeline of a new session before it is
	 * registered
	 */
	DatagramListenerHandler(ServerListener listener, ServerStats stats, int maxConnections,
			Consumer<Channel> sessionInitializer) {
		this.listener = listener;
		this.stats = stats;
		this.maxConnections = maxConnections;
		int listenerMax = listener.config().maxConnections();
		this.listenerMaxConnections = (listenerMax > 0) ? listenerMax : Integer.MAX_VALUE;
		this.sessionInitializer = sessionInitializer;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof DatagramPacket packet)) {
			ctx.fireChannelRead(msg);
			return;
		}
		ByteBuf content = packet.content();
		int size = content.readableBytes();
		long length = (size >= FrameFormat.LENGTH_FIELD_SIZE) ? content.getUnsignedInt(content.readerIndex()) : -1;
		if (length != size - FrameFormat.LENGTH_FIELD_SIZE) {
			packet.release();
			// The receive buffer holds one byte more than the largest datagram accepted:
			// one that
			// fills it was cut short
			this.stats.invalidFrame((size > this.listener.config().maxFrameSize() + FrameFormat.LENGTH_FIELD_SIZE)
					? ProtocolViolation.FRAME_TOO_LARGE : ProtocolViolation.MALFORMED);
			return;
		}
		DatagramSessionChannel session = session(ctx, packet.sender());
		if (session == null) {
			packet.release();
			return;
		}
		if (!this.reading.contains(session)) {
			this.reading.add(session);
		}
		// Ownership of the content, and with it of the datagram, passes to the session's
		// decoder
		session.pipeline().fireChannelRead(content);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		for (DatagramSessionChannel session : this.reading) {
			session.pipeline().fireChannelReadComplete();
		}
		this.reading.clear();
		ctx.fireChannelReadComplete();
	}

	private @Nullable DatagramSessionChannel session(ChannelHandlerContext ctx, InetSocketAddress peer) {
		DatagramSessionChannel session = this.sessions.get(peer);
		if (session != null && session.isActive()) {
			return session;
		}
		if (this.stats.connectionsOpen.incrementAndGet() > this.maxConnections) {
			this.stats.connectionsOpen.decrementAndGet();
			this.stats.connectionsRejected.increment();
			return null;
		}
		if (this.listener.connectionsOpen.incrementAndGet() > this.listenerMaxConnections) {
			this.listener.connectionsOpen.decrementAndGet();
			this.stats.connectionsOpen.decrementAndGet();
			this.stats.connectionsRejected.increment();
			return null;
		}
		this.stats.connectionsAccepted.increment();
		this.listener.connectionsAccepted.increment();
		DatagramSessionChannel created = new DatagramSessionChannel(ctx.channel(), peer,
				this.listener.config().maxFrameSize() + FrameFormat.LENGTH_FIELD_SIZE);
		this.sessions.put(peer, created);
		created.closeFuture().addListener((future) -> {
			this.sessions.remove(peer, created);
			this.stats.connectionsOpen.decrementAndGet();
			this.listener.connectionsOpen.decrementAndGet();
		});
		this.sessionInitializer.accept(created);
		// On this loop, so registered and active before the next line
		ctx.channel().eventLoop().register(created);
		return created;
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		// The socket is gone: its sessions can answer nobody
		for (DatagramSessionChannel session : List.copyOf(this.sessions.values())) {
			session.close();
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		// A datagram that could not be sent, such as to an unreachable peer: the listener
		// goes on
		logger.debug("UDP listener '" + this.listener.name() + "' failed: " + cause);
	}

}
