package dev.fastnet.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import dev.fastnet.transport.FastnetPipeline;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import dev.fastnet.worker.WorkerPool;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A fastnet TCP server: accepts connections, decodes frames, dispatches requests to the
 * handlers of its {@link Routes} and answers them. Each server owns its event loops and
 * worker pool and releases them when stopped. Besides the listener its
 * {@link ServerConfig} describes, it can listen on more ports, each with its own framing
 * ({@link ListenerConfig}), or with fastnet frames over WebSocket or UDP
 * ({@link ListenerTransport}); all of them share the event loops, workers and routes.
 *
 * <pre>{@code
 * FastnetServer server = FastnetServer.builder(ServerConfig.builder().port(7000).build())
 *     .routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
 *     .build()
 *     .start();
 * // ...
 * server.stop(Duration.ofSeconds(30));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FastnetServer implements AutoCloseable {

	/**
	 * How long a draining connection must have nothing in flight and receive nothing
	 * before the server closes it: time for the peer to read the GOAWAY and stop sending.
	 */
	public static final Duration DRAIN_LINGER = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(FastnetServer.class);

	private final ServerConfig config;

	private final Supplier<Routes> routesSupplier;

	private final FastnetMetricsRecorder recorder;

	private final List<SessionListener> listeners;

	private final @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

	private final @Nullable ByteBufAllocator allocator;

	private final Transport transport;

	private final WorkerPool workers;

	private final ServerStats stats;

	private final List<ServerListener> serverListeners;

	private volatile @Nullable RequestDispatcher dispatcher;

	private final ChannelGroup channels = new DefaultChannelGroup("fastnet", ImmediateEventExecutor.INSTANCE);

	private final Object lifecycleMonitor = new Object();

	private final AtomicBoolean finishing = new AtomicBoolean();

	private volatile State state = State.NEW;

	private @Nullable EventLoopGroup bossGroup;

	private @Nullable EventLoopGroup ioGroup;

	private volatile @Nullable TlsConfig tls;

	private @Nullable CompletableFuture<GracefulShutdownResult> shutdownFuture;

	private FastnetServer(Builder builder) {
		this.config = builder.config;
		this.routesSupplier = builder.routes;
		this.recorder = builder.recorder;
		this.listeners = List.copyOf(builder.listeners);
		this.pipelineCustomizer = builder.pipelineCustomizer;
		this.allocator = builder.allocator;
		this.transport = builder.config.transport().resolve();
		this.workers = new WorkerPool(builder.config.workers());
		this.stats = new ServerStats(this.workers);
		List<ServerListener> serverListeners = new ArrayList<>();
		serverListeners.add(new ServerListener(ListenerConfig.of(builder.config)));
		builder.listenerConfigs.values().forEach((listener) -> serverListeners.add(new ServerListener(listener)));
		this.serverListeners = List.copyOf(serverListeners);
		this.stats.listeners(this.serverListeners);
		this.tls = builder.config.tls();
	}

	/**
	 * Return a builder for a server with the given configuration.
	 * @param config the configuration
	 * @return a new builder
	 */
	public static Builder builder(ServerConfig config) {
		return new Builder(config);
	}

	/**
	 * Create a server that is not started yet.
	 * @param config the configuration
	 * @param routes the routes
	 * @return the server
	 */
	public static FastnetServer create(ServerConfig config, Routes routes) {
		return builder(config).routes(routes).build();
	}

	/**
	 * Bind and start accepting connections.
	 * @return this server
	 * @throws PortInUseException when the port is taken
	 * @throws IllegalStateException when the server was already started
	 */
	public FastnetServer start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.NEW) {
				throw new IllegalStateException("Server was already started: " + this.state);
			}
			this.state = State.STARTING;
		}
		Routes routes = Objects.requireNonNull(this.routesSupplier.get(), "routes");
		RequestDispatcher dispatcher = new RequestDispatcher(routes, this.config, this.workers, this.stats,
				this.recorder);
		this.dispatcher = dispatcher;
		int acceptors = this.config.socket().acceptors();
		EventLoopGroup boss = this.transport.newEventLoopGroup(acceptors, "fastnet-server-boss", false);
		EventLoopGroup io = this.transport.newEventLoopGroup(this.config.ioThreads(), "fastnet-server-io", false);
		this.bossGroup = boss;
		this.ioGroup = io;
		ServerChannelInitializer initializer = new ServerChannelInitializer(this.config, dispatcher, this.listeners,
				this.stats, () -> this.tls);
		ServerBootstrap bootstrap = new ServerBootstrap().group(boss, io)
			.channel(this.transport.serverChannelClass())
			.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
					this.config.writeBufferLowWaterMark(), this.config.writeBufferHighWaterMark()));
		if (this.allocator != null) {
			bootstrap.option(ChannelOption.ALLOCATOR, this.allocator)
				.childOption(ChannelOption.ALLOCATOR, this.allocator);
		}
		try {
			this.transport.configure(bootstrap, this.config.socket());
		}
		catch (RuntimeException ex) {
			shutdownGroups();
			this.workers.shutdownNow(Duration.ofSeconds(1));
			this.state = State.STOPPED;
			throw ex;
		}
		for (ServerListener listener : this.serverListeners) {
			ChannelFuture bind = bind(listener, bootstrap, initializer, acceptors);
			if (!bind.isSuccess()) {
				closeServerChannels();
				shutdownGroups();
				this.workers.shutdownNow(Duration.ofSeconds(1));
				this.state = State.STOPPED;
				throw bindFailure(listener.config(), bind.cause());
			}
		}
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.STARTING) {
				// Stopped while binding: undo the bind rather than run a server nobody
				// can stop
				closeServerChannels();
				shutdownGroups();
				throw new IllegalStateException("fastnet server was stopped while it was starting");
			}
			this.state = State.RUNNING;
		}
		logger.info("fastnet server started on " + boundAddressText() + " (" + this.transport.name().toLowerCase()
				+ ((acceptors > 1) ? ", " + acceptors + " acceptors" : "") + tlsText() + ", " + routes.all().size()
				+ " routes)");
		for (ServerListener listener : this.serverListeners.subList(1, this.serverListeners.size())) {
			ListenerConfig config = listener.config();
			logger.info("fastnet listener '" + listener.name() + "' started on " + listener.addressText() + " ("
					+ ((config.transport() == ListenerTransport.WEBSOCKET) ? "websocket " + config.path() + ", "
							: (config.transport() == ListenerTransport.UDP) ? "udp, " : "")
					+ config.framing().name() + ((config.route() != null) ? ", route '" + config.route() + "'" : "")
					+ ")");
		}
		return this;
	}

	/**
	 * Bind a listener's port, once per acceptor (SO_REUSEPORT), all on the port the first
	 * got.
	 */
	private ChannelFuture bind(ServerListener listener, ServerBootstrap base, ServerChannelInitializer initializer,
			int acceptors) {
		if (listener.config().transport() == ListenerTransport.UDP) {
			return bindDatagram(listener, Objects.requireNonNull(base.config().childGroup(), "childGroup"),
					initializer);
		}
		ConnectionLimitHandler limiter = new ConnectionLimitHandler(this.config.maxConnections(), this.stats, listener);
		ServerBootstrap bootstrap = base.clone().handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline().addLast(FastnetPipeline.CONNECTION_LIMIT, limiter);
			}
		}).childHandler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				initConnection(channel, listener, initializer);
			}
		});
		ListenerConfig config = listener.config();
		listener.bootstrap = bootstrap;
		ChannelFuture bind = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
		if (!bind.isSuccess()) {
			return bind;
		}
		List<Channel> bound = new ArrayList<>(acceptors);
		bound.add(bind.channel());
		InetSocketAddress first = (InetSocketAddress) bind.channel().localAddress();
		for (int i = 1; i < acceptors && bind.isSuccess(); i++) {
			bind = bootstrap.bind(first).awaitUninterruptibly();
			if (bind.isSuccess()) {
				bound.add(bind.channel());
			}
		}
		listener.serverChannels = List.copyOf(bound);
		if (bind.isSuccess()) {
			listener.boundAddress = first;
		}
		return bind;
	}

	/**
	 * Set up a new connection, or a UDP peer's session, of a listener: tracked for
	 * shutdown, with the listener's pipeline and the user's customization.
	 */
	private void initConnection(Channel channel, ServerListener listener, ServerChannelInitializer initializer) {
		this.channels.add(channel);
		initializer.initialize(channel, listener);
		if (this.pipelineCustomizer != null) {
			this.pipelineCustomizer.accept(channel.pipeline());
		}
	}

	/**
	 * Bind a UDP listener's socket, once: its sessions live on the socket's event loop.
	 */
	private ChannelFuture bindDatagram(ServerListener listener, EventLoopGroup io,
			ServerChannelInitializer initializer) {
		ListenerConfig config = listener.config();
		Bootstrap bootstrap = new Bootstrap().group(io)
			.channel(this.transport.datagramChannelClass())
			// One buffer holds the largest datagram accepted and one byte more, to tell a
			// datagram cut short from one that fits
			.option(ChannelOption.RECVBUF_ALLOCATOR,
					new FixedRecvByteBufAllocator(config.maxFrameSize() + FrameFormat.LENGTH_FIELD_SIZE + 1))
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(FastnetPipeline.DATAGRAM,
								new DatagramListenerHandler(listener, FastnetServer.this.stats,
										FastnetServer.this.config.maxConnections(),
										(session) -> initConnection(session, listener, initializer)));
				}
			});
		listener.bootstrap = bootstrap;
		ChannelFuture bind = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
		if (bind.isSuccess()) {
			listener.serverChannels = List.of(bind.channel());
			listener.boundAddress = (InetSocketAddress) bind.channel().localAddress();
		}
		return bind;
	}

	private static RuntimeException bindFailure(ListenerConfig config, @Nullable Throwable cause) {
		if (cause instanceof BindException || (cause != null && cause.getCause() instanceof BindException)
				|| (cause != null && String.valueOf(cause.getMessage()).contains("Address already in use"))) {
			return new PortInUseException(config.port(), cause);
		}
		return new IllegalStateException("fastnet server failed to bind "
				+ (config.name().equals(ListenerConfig.DEFAULT_NAME) ? "" : "listener '" + config.name() + "' to ")
				+ config.host() + ":" + config.port(), cause);
	}

	/**
	 * Stop taking requests without stopping: new connections are refused, every
	 * connection gets GOAWAY, requests that arrive from now on are answered ERROR 503
	 * (after the GOAWAY of their connection), requests in flight finish, and connections
	 * are closed by their peers or once idle for {@link #DRAIN_LINGER}. {@link #resume()}
	 * undoes it; the event loops and workers keep running meanwhile.
	 * @return whether the server was running and is now draining
	 */
	public boolean drain() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.RUNNING) {
				return false;
			}
			this.state = State.DRAINING;
			// Refused rather than accepted and sent away: clients back off instead of
			// reconnecting for every call
			closeServerChannels();
			Objects.requireNonNull(this.dispatcher, "dispatcher").startDraining(DRAIN_LINGER.toNanos());
		}
		logger.info("Draining fastnet server on " + boundAddressText() + ": refusing new connections and requests");
		return true;
	}

	/**
	 * Take connections and requests again after {@link #drain()}, on the same address and
	 * port. A server that is stopping cannot resume.
	 * @return whether the server was drained and now runs again
	 * @throws PortInUseException when the port was taken meanwhile; the server stays
	 * drained
	 */
	public boolean resume() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.DRAINING || this.shutdownFuture != null) {
				return false;
			}
			int acceptors = this.config.socket().acceptors();
			List<List<Channel>> bound = new ArrayList<>(this.serverListeners.size());
			for (ServerListener listener : this.serverListeners) {
				InetSocketAddress address = listener.address();
				AbstractBootstrap<?, ?> bootstrap = Objects.requireNonNull(listener.bootstrap, "bootstrap");
				int count = (listener.config().transport() == ListenerTransport.UDP) ? 1 : acceptors;
				List<Channel> channels = new ArrayList<>(count);
				bound.add(channels);
				for (int i = 0; i < count; i++) {
					ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
					if (!bind.isSuccess()) {
						// All or none: a server half back in service would be drained and
						// serving at once
						bound.forEach((each) -> each.forEach((channel) -> channel.close().awaitUninterruptibly()));
						throw new PortInUseException(address.getPort(), bind.cause());
					}
					channels.add(bind.channel());
				}
			}
			for (int i = 0; i < bound.size(); i++) {
				this.serverListeners.get(i).serverChannels = List.copyOf(bound.get(i));
			}
			Objects.requireNonNull(this.dispatcher, "dispatcher").stopDraining();
			this.state = State.RUNNING;
		}
		logger.info("fastnet server on " + boundAddressText() + " resumed");
		return true;
	}

	private void closeServerChannels() {
		for (ServerListener listener : this.serverListeners) {
			for (Channel serverChannel : listener.serverChannels) {
				serverChannel.close().awaitUninterruptibly();
			}
		}
	}

	private String tlsText() {
		TlsConfig tls = this.tls;
		return (tls != null) ? ", TLS on " + tls.provider().name().toLowerCase() : "";
	}

	/**
	 * Serve new connections of the fastnet listener with other TLS settings, typically a
	 * renewed certificate; open connections keep theirs.
	 * @param tls the new settings
	 * @throws IllegalStateException when the server was built without TLS
	 */
	public void updateTls(TlsConfig tls) {
		Objects.requireNonNull(tls, "tls");
		if (this.tls == null) {
			throw new IllegalStateException("fastnet server was configured without TLS");
		}
		this.tls = tls;
		logger.info("fastnet server on " + boundAddressText() + " serves new connections with updated TLS settings");
	}

	/**
	 * Return the TLS settings new connections of the fastnet listener get.
	 * @return the settings, empty for plain TCP
	 */
	public Optional<TlsConfig> tls() {
		return Optional.ofNullable(this.tls);
	}

	/**
	 * Return the listening channels of the fastnet listener: one, or one per acceptor.
	 * @return the channels, empty while not bound
	 */
	List<Channel> serverChannels() {
		return this.serverListeners.get(0).serverChannels;
	}

	/**
	 * Stop gracefully: stop accepting, send GOAWAY on every connection, answer requests
	 * that arrive from now on with ERROR 503, let requests in flight finish, and keep
	 * each connection open until its peer closes it or it has been idle for
	 * {@link #DRAIN_LINGER} (or the grace, if shorter), so that requests the peer wrote
	 * before it read the GOAWAY are answered too. The stop completes when no connection
	 * is left and no request is in flight, or when the grace ends; then everything is
	 * closed. Idempotent and safe to call concurrently: every call returns the same
	 * future.
	 * @param grace how long requests in flight and peers still sending may take
	 * @return completes when the server is fully stopped
	 */
	public CompletableFuture<GracefulShutdownResult> shutdownGracefully(Duration grace) {
		Objects.requireNonNull(grace, "grace");
		CompletableFuture<GracefulShutdownResult> future;
		synchronized (this.lifecycleMonitor) {
			if (this.shutdownFuture != null) {
				return this.shutdownFuture;
			}
			future = new CompletableFuture<>();
			this.shutdownFuture = future;
			if (this.state != State.RUNNING && this.state != State.DRAINING) {
				this.state = State.STOPPED;
				this.workers.shutdownNow(Duration.ofSeconds(1));
				future.complete(GracefulShutdownResult.IDLE);
				return future;
			}
			this.state = State.DRAINING;
		}
		RequestDispatcher dispatcher = Objects.requireNonNull(this.dispatcher, "dispatcher");
		logger.info("Commencing graceful shutdown of fastnet server on " + boundAddressText() + ", waiting up to "
				+ grace.toMillis() + " ms for " + dispatcher.inFlight() + " requests in flight and "
				+ dispatcher.sessions().size() + " connections");
		closeServerChannels();
		long graceNanos = grace.toNanos();
		dispatcher.startDraining(Math.min(DRAIN_LINGER.toNanos(), graceNanos));
		EventLoopGroup boss = this.bossGroup;
		if (graceNanos == 0 || boss == null) {
			finish(graceEnded(dispatcher), future);
			return future;
		}
		// Scheduled first: a drain that is complete already finishes, and the timer dies
		// with the loops
		boss.schedule(() -> finish(graceEnded(dispatcher), future), graceNanos, TimeUnit.NANOSECONDS);
		dispatcher.whenDrained(() -> finish(GracefulShutdownResult.IDLE, future));
		return future;
	}

	private static GracefulShutdownResult graceEnded(RequestDispatcher dispatcher) {
		// Connections still open then are closed, but only requests in flight are lost
		return (dispatcher.inFlight() == 0) ? GracefulShutdownResult.IDLE : GracefulShutdownResult.REQUESTS_ACTIVE;
	}

	/**
	 * Stop gracefully and wait until stopped.
	 * @param grace how long requests in flight and peers still sending may take
	 * @return how the stop ended
	 */
	public GracefulShutdownResult stop(Duration grace) {
		return shutdownGracefully(grace).join();
	}

	/**
	 * Stop at once: requests in flight are abandoned, also when a graceful stop is
	 * already waiting for them.
	 */
	@Override
	public void close() {
		CompletableFuture<GracefulShutdownResult> future = shutdownGracefully(Duration.ZERO);
		if (!future.isDone()) {
			RequestDispatcher dispatcher = this.dispatcher;
			finish((dispatcher != null) ? graceEnded(dispatcher) : GracefulShutdownResult.IDLE, future);
		}
		future.join();
	}

	private void finish(GracefulShutdownResult result, CompletableFuture<GracefulShutdownResult> future) {
		if (!this.finishing.compareAndSet(false, true)) {
			return;
		}
		// Closing and joining threads blocks; never do it on an event loop
		Thread thread = new Thread(() -> {
			try {
				this.channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
				for (Runnable dropped : this.workers.shutdownNow(Duration.ofSeconds(5))) {
					if (dropped instanceof InboundRequest request) {
						request.abandon();
					}
				}
				shutdownGroups();
				this.state = State.STOPPED;
				logger.info("fastnet server on " + boundAddressText() + " stopped (" + result + ")");
				future.complete(result);
			}
			catch (Throwable ex) {
				this.state = State.STOPPED;
				future.completeExceptionally(ex);
			}
		}, "fastnet-shutdown");
		thread.setDaemon(false);
		thread.start();
	}

	private void shutdownGroups() {
		List<Future<?>> terminations = new ArrayList<>(2);
		for (EventLoopGroup group : new EventLoopGroup[] { this.bossGroup, this.ioGroup }) {
			if (group != null) {
				terminations.add(group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
			}
		}
		for (Future<?> termination : terminations) {
			termination.awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	/**
	 * Return the port the server is bound to.
	 * @return the bound port
	 * @throws IllegalStateException when not bound
	 */
	public int port() {
		return address().getPort();
	}

	/**
	 * Return the address the server is bound to.
	 * @return the bound address
	 * @throws IllegalStateException when not bound
	 */
	public InetSocketAddress address() {
		InetSocketAddress address = this.serverListeners.get(0).boundAddress;
		if (address == null) {
			throw new IllegalStateException("Server is not bound");
		}
		return address;
	}

	/**
	 * Return the listeners: first the default one that {@link ServerConfig} describes,
	 * then those added to the builder, in the order they were added.
	 * @return the listeners
	 */
	public List<ServerListener> listeners() {
		return this.serverListeners;
	}

	/**
	 * Return a listener by name.
	 * @param name the name; {@link ListenerConfig#DEFAULT_NAME} for the default one
	 * @return the listener, or empty when there is none of that name
	 */
	public Optional<ServerListener> listener(String name) {
		return this.serverListeners.stream().filter((listener) -> listener.name().equals(name)).findFirst();
	}

	private String boundAddressText() {
		return this.serverListeners.get(0).addressText();
	}

	/**
	 * Return the lifecycle state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Return the transport in use.
	 * @return {@link Transport#EPOLL} or {@link Transport#NIO}
	 */
	public Transport transport() {
		return this.transport;
	}

	/**
	 * Return the live figures.
	 * @return the stats
	 */
	public ServerStats stats() {
		return this.stats;
	}

	/**
	 * Return the configuration.
	 * @return the configuration
	 */
	public ServerConfig config() {
		return this.config;
	}

	/**
	 * Return the routes the server dispatches to.
	 * @return the routes, empty before the server was started
	 */
	public Routes routes() {
		RequestDispatcher dispatcher = this.dispatcher;
		return (dispatcher != null) ? dispatcher.routes() : Routes.builder().build();
	}

	/**
	 * Return the open sessions.
	 * @return a live, unmodifiable view
	 */
	public Collection<? extends Session> sessions() {
		RequestDispatcher dispatcher = this.dispatcher;
		return (dispatcher != null) ? dispatcher.sessions() : List.of();
	}

	/**
	 * Return the number of requests admitted and not yet answered.
	 * @return requests in flight
	 */
	public int inFlight() {
		RequestDispatcher dispatcher = this.dispatcher;
		return (dispatcher != null) ? dispatcher.inFlight() : 0;
	}

	/**
	 * Lifecycle states of a server.
	 */
	public enum State {

		/** Created, not started. */
		NEW,

		/** Binding. */
		STARTING,

		/** Accepting and serving. */
		RUNNING,

		/**
		 * Refusing new requests and finishing those in flight: stopping, or drained by
		 * {@link FastnetServer#drain()} until {@link FastnetServer#resume()}.
		 */
		DRAINING,

		/** Stopped; every resource released. */
		STOPPED

	}

	/**
	 * Builds a {@link FastnetServer}.
	 */
	public static final class Builder {

		private ServerConfig config;

		private @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

		private Supplier<Routes> routes = () -> Routes.builder().build();

		private final List<SessionListener> listeners = new ArrayList<>();

		private final Map<String, ListenerConfig> listenerConfigs = new LinkedHashMap<>();

		private FastnetMetricsRecorder recorder = FastnetMetricsRecorder.NONE;

		private @Nullable ByteBufAllocator allocator;

		private Builder(ServerConfig config) {
			this.config = Objects.requireNonNull(config, "config");
		}

		/**
		 * Return the configuration the server will be built with.
		 * @return the configuration
		 */
		public ServerConfig config() {
			return this.config;
		}

		/**
		 * Replace the configuration.
		 * @param config the configuration
		 * @return this builder
		 */
		public Builder config(ServerConfig config) {
			this.config = Objects.requireNonNull(config, "config");
			return this;
		}

		/**
		 * Add a customization of every connection's pipeline, applied after fastnet's
		 * handlers are in place (see {@link FastnetPipeline} for their names).
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder pipelineCustomizer(Consumer<ChannelPipeline> customizer) {
			Objects.requireNonNull(customizer, "customizer");
			Consumer<ChannelPipeline> previous = this.pipelineCustomizer;
			this.pipelineCustomizer = (previous != null) ? previous.andThen(customizer) : customizer;
			return this;
		}

		/**
		 * Set the routes.
		 * @param routes the routes
		 * @return this builder
		 */
		public Builder routes(Routes routes) {
			Objects.requireNonNull(routes, "routes");
			this.routes = () -> routes;
			return this;
		}

		/**
		 * Set where the routes come from when the server starts; for containers whose
		 * handlers are complete only after the server object exists.
		 * @param routes supplies the routes once, at start
		 * @return this builder
		 */
		public Builder routes(Supplier<Routes> routes) {
			this.routes = Objects.requireNonNull(routes, "routes");
			return this;
		}

		/**
		 * Add a listener beside the default one that {@link ServerConfig} describes;
		 * every listener shares the server's event loops, worker pool, routes and
		 * connection limit.
		 * @param listener the listener's configuration
		 * @return this builder
		 * @throws IllegalArgumentException when a listener of that name was added
		 * already, or it is named {@value ListenerConfig#DEFAULT_NAME}
		 */
		public Builder listener(ListenerConfig listener) {
			Objects.requireNonNull(listener, "listener");
			if (listener.name().equals(ListenerConfig.DEFAULT_NAME)
					|| this.listenerConfigs.putIfAbsent(listener.name(), listener) != null) {
				throw new IllegalArgumentException("Listener name '" + listener.name() + "' is already in use");
			}
			return this;
		}

		/**
		 * Add a session listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder sessionListener(SessionListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Set the metrics recorder.
		 * @param recorder the recorder
		 * @return this builder
		 */
		public Builder metricsRecorder(FastnetMetricsRecorder recorder) {
			this.recorder = Objects.requireNonNull(recorder, "recorder");
			return this;
		}

		/**
		 * Set the allocator of every buffer the server's connections read, decode and
		 * answer with; by default Netty's ({@link ByteBufAllocator#DEFAULT}, adaptive in
		 * Netty 4.2).
		 * @param allocator the allocator
		 * @return this builder
		 */
		public Builder allocator(ByteBufAllocator allocator) {
			this.allocator = Objects.requireNonNull(allocator, "allocator");
			return this;
		}

		/**
		 * Build the server; it is started by {@link FastnetServer#start()}.
		 * @return the server
		 */
		public FastnetServer build() {
			return new FastnetServer(this);
		}

	}

}
