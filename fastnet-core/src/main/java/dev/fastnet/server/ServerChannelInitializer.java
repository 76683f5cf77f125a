package dev.fastnet.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.session.SessionListener;
import dev.fastnet.transport.FastnetPipeline;
import dev.fastnet.transport.TlsConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.jspecify.annotations.Nullable;

/**
 * Builds the pipeline of every accepted connection: for a WebSocket listener the HTTP
 * upgrade and WebSocket codec, then fastnet's frame codec or the codec its listener's
 * framing contributes, then the connection's handler.
 */
final class ServerChannelInitializer {

	/**
	 * An upgrade request has no body; other requests are answered 404 whatever they
	 * carry.
	 */
	private static final int MAX_UPGRADE_REQUEST_BODY = 8192;

	private final ServerConfig config;

	private final RequestDispatcher dispatcher;

	private final List<SessionListener> listeners;

	private final AtomicLong sessionIds = new AtomicLong();

	private final ServerStats stats;

	private final PartialFrames partialFrames;

	private final Supplier<@Nullable TlsConfig> tls;

	private final TlsHandshakeHandler tlsHandshake;

	/**
	 * @param tls the TLS settings in force, read for every new connection so that
	 * reloaded certificates take effect without a restart; {@code null} for plain TCP
	 */
	ServerChannelInitializer(ServerConfig config, RequestDispatcher dispatcher, List<SessionListener> listeners,
			ServerStats stats, Supplier<@Nullable TlsConfig> tls) {
		this.config = config;
		this.dispatcher = dispatcher;
		this.listeners = listeners;
		this.stats = stats;
		this.partialFrames = new PartialFrames(config, stats);
		this.tls = tls;
		this.tlsHandshake = new TlsHandshakeHandler(stats);
	}

	void initialize(Channel channel, ServerListener listener) {
		ChannelPipeline pipeline = channel.pipeline();
		// The server's TLS settings belong to its fastnet listener; other listeners speak
		// plain TCP
		TlsConfig tls = ListenerConfig.DEFAULT_NAME.equals(listener.name()) ? this.tls.get() : null;
		if (tls != null) {
			SslHandler ssl = tls.context().newHandler(channel.alloc());
			ssl.setHandshakeTimeoutMillis(tls.handshakeTimeout().toMillis());
			pipeline.addLast(FastnetPipeline.TLS, ssl);
			pipeline.addLast(FastnetPipeline.TLS_HANDSHAKE, this.tlsHandshake);
		}
		long idleNanos = this.config.idleTimeout().toNanos();
		if (idleNanos == 0 && listener.config().transport() == ListenerTransport.UDP) {
			// A UDP peer never says goodbye: without expiry its session would stay
			// forever
			idleNanos = ServerConfig.DEFAULT_IDLE_TIMEOUT.toNanos();
		}
		if (idleNanos > 0) {
			// Reader idleness only: PING keeps a session alive, and watching writes would
			// cost a
			// promise and a listener per answer
			pipeline.addLast(FastnetPipeline.IDLE, new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
		}
		ServerConnection connection = new ServerConnection(this.sessionIds.incrementAndGet(), this.dispatcher,
				this.listeners);
		ListenerConfig listenerConfig = listener.config();
		if (listenerConfig.transport() == ListenerTransport.WEBSOCKET) {
			addWebSocket(pipeline, listenerConfig);
		}
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

	/**
	 * Add the HTTP upgrade and the WebSocket codec; a message may be as large as a frame
	 * with its length field.
	 */
	private static void addWebSocket(ChannelPipeline pipeline, ListenerConfig listener) {
		int maxMessageSize = (int) Math.min(Integer.MAX_VALUE,
				(long) listener.maxFrameSize() + FrameFormat.LENGTH_FIELD_SIZE);
		pipeline.addLast(FastnetPipeline.HTTP_CODEC, new HttpServerCodec());
		pipeline.addLast(FastnetPipeline.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BODY));
		pipeline.addLast(FastnetPipeline.WEBSOCKET,
				new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
					.websocketPath(listener.path())
					.maxFramePayloadLength(maxMessageSize)
					.build()));
		pipeline.addLast(FastnetPipeline.WEBSOCKET_AGGREGATOR, new WebSocketFrameAggregator(maxMessageSize));
		pipeline.addLast(FastnetPipeline.WEBSOCKET_FRAMES, new WebSocketFrameAdapter());
	}

}
