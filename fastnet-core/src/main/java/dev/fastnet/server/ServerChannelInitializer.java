package dev.fastnet.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.session.SessionListener;
import dev.fastnet.transport.FastnetPipeline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Builds the pipeline of every accepted connection: fastnet's frame codec, or the codec its
 * listener's framing contributes, then the connection's handler.
 */
final class ServerChannelInitializer {

	private final ServerConfig config;

	private final RequestDispatcher dispatcher;

	private final List<SessionListener> listeners;

	private final AtomicLong sessionIds = new AtomicLong();

	private final ServerStats stats;

	private final PartialFrames partialFrames;

	ServerChannelInitializer(ServerConfig config, RequestDispatcher dispatcher, List<SessionListener> listeners,
			ServerStats stats) {
		this.config = config;
		this.dispatcher = dispatcher;
		this.listeners = listeners;
		this.stats = stats;
		this.partialFrames = new PartialFrames(config, stats);
	}

	void initialize(Channel channel, ServerListener listener) {
		ChannelPipeline pipeline = channel.pipeline();
		long idleNanos = this.config.idleTimeout().toNanos();
		if (idleNanos > 0) {
			// Reader idleness only: PING keeps a session alive, and watching writes would cost a
			// promise and a listener per answer
			pipeline.addLast(FastnetPipeline.IDLE, new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
		}
		ServerConnection connection = new ServerConnection(this.sessionIds.incrementAndGet(), this.dispatcher,
				this.listeners);
		ListenerConfig listenerConfig = listener.config();
		if (listenerConfig.framing().isFastnet()) {
			pipeline.addLast(FastnetPipeline.FRAME_DECODER,
					new ServerFrameDecoder(this.config, listenerConfig.maxFrameSize(), listener.bytesRead,
							this.dispatcher, connection, this.partialFrames));
			pipeline.addLast(FastnetPipeline.FRAME_ENCODER, new FrameEncoder(listener.bytesWritten));
		}
		else {
			listenerConfig.framing()
				.configureServer(pipeline, Objects.requireNonNull(listenerConfig.route(), "route"),
						listenerConfig.maxFrameSize(), listener.counters);
		}
		pipeline.addLast(FastnetPipeline.HANDLER, connection);
	}

}
