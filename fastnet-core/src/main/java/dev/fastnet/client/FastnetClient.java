package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A pooled, multiplexed fastnet client. Keeps a pool of connections per endpoint, sends many
 * requests on each connection at once, balances calls over healthy endpoints, and reconnects
 * lazily with backoff. Calls never hang: each ends with its answer or a typed
 * {@link FastnetException}: {@link FastnetRemoteException} for an ERROR answer,
 * {@link FastnetTimeoutException}, {@link ConnectionClosedException},
 * {@link PendingAcquireTimeoutException}, {@link PendingAcquireLimitException},
 * {@link FastnetConnectException} (and its {@link NoEndpointAvailableException}) or
 * {@link ClientClosedException}.
 * <p>
 * Futures complete on the I/O thread of the connection: dependent stages added without an
 * executor run there and must not block (use the {@code *Async} variants for slow work).
 * <p>
 * Each client owns its event loops and releases them when closed.
 *
 * <pre>{@code
 * try (FastnetClient client = FastnetClient.create(ClientConfig.builder().endpoint("localhost", 7000).build())) {
 *     Reply reply = client.requestBlocking("echo", "hello".getBytes(StandardCharsets.UTF_8));
 *     client.request("kv.get", Map.of(), key, Duration.ofMillis(50))
 *         .thenAccept((answer) -> System.out.println(answer.payloadString()));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FastnetClient implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FastnetClient.class);

	/** Room kept in the headers block for the {@code timeout-ms} header. */
	private static final int TIMEOUT_HEADER_RESERVE = 1 + FrameFormat.HEADER_TIMEOUT_MS.length() + 2 + 20;

	private final ClientConfig config;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private final FrameEncoder encoder = new FrameEncoder();

	final FastnetMetricsRecorder recorder;

	private final Map<String, PushListener> pushListeners;

	private final Object lifecycleMonitor = new Object();

	private final Set<EndpointPool> retiredPools = ConcurrentHashMap.newKeySet();

	private final AtomicInteger roundRobin = new AtomicInteger();

	private final CompletableFuture<Void> drained = new CompletableFuture<>();

	final LongAdder rejected = new LongAdder();

	/** The connection whose answer this I/O thread is handling, for the callback's next call. */
	final FastThreadLocal<ClientConnection> answering = new FastThreadLocal<>();

	private final LongAdder unroutedPushes = new LongAdder();

	private final List<Consumer<List<InetSocketAddress>>> endpointListeners = new CopyOnWriteArrayList<>();

	private volatile EndpointPool[] pools;

	private volatile boolean closing;

	private @Nullable CompletableFuture<Void> closeFuture;

	private final @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

	private FastnetClient(Builder builder) {
		this.config = builder.config;
		this.pipelineCustomizer = builder.pipelineCustomizer;
		this.recorder = builder.recorder;
		this.pushListeners = new ConcurrentHashMap<>(builder.pushListeners);
		Transport transport = this.config.transport().resolve();
		this.group = transport.newEventLoopGroup(this.config.ioThreads(), "fastnet-client-" + this.config.name() + "-io",
				true);
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(transport.channelClass())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.SO_KEEPALIVE, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, this.config.connectTimeout().toMillis()));
		if (builder.allocator != null) {
			this.bootstrap.option(ChannelOption.ALLOCATOR, builder.allocator);
		}
		List<InetSocketAddress> endpoints = this.config.endpoints();
		EndpointPool[] pools = new EndpointPool[endpoints.size()];
		for (int i = 0; i < pools.length; i++) {
			pools[i] = newPool(endpoints.get(i));
		}
		this.pools = pools;
		for (EndpointPool pool : pools) {
			pool.ensureMinIdle();
		}
	}

	private EndpointPool newPool(InetSocketAddress address) {
		ReconnectGovernor governor = new ReconnectGovernor(this.config.reconnect(), System::nanoTime,
				() -> ThreadLocalRandom.current().nextDouble());
		return new EndpointPool(this, address, this.group.next(), governor);
	}

	/**
	 * Create a client; connections to reach {@link PoolOptions#minIdle()} are opened at once,
	 * others when needed.
	 * @param config the configuration
	 * @return the client
	 */
	public static FastnetClient create(ClientConfig config) {
		return builder(config).build();
	}

	/**
	 * Return a builder for a client with the given configuration.
	 * @param config the configuration
	 * @return a new builder
	 */
	public static Builder builder(ClientConfig config) {
		return new Builder(config);
	}

	// Requests

	/**
	 * Send a request with the configured request timeout.
	 * @param route the route
	 * @param payload the payload; must not be modified until the returned future completes
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 */
	public CompletableFuture<Reply> request(String route, byte[] payload) {
		Objects.requireNonNull(payload, "payload");
		return request(route, Map.of(), Unpooled.wrappedBuffer(payload), null);
	}

	/**
	 * Send a request with headers and an optional timeout of its own.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; must not be modified until the returned future completes
	 * @param timeout the call's timeout, sent to the server as the {@code timeout-ms} header; or
	 * {@code null} for the configured request timeout (not sent)
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 */
	public CompletableFuture<Reply> request(String route, Map<String, String> headers, byte[] payload,
			@Nullable Duration timeout) {
		Objects.requireNonNull(payload, "payload");
		return request(route, headers, Unpooled.wrappedBuffer(payload), timeout);
	}

	/**
	 * Send a request whose payload is a buffer.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; ownership passes to the client, which releases it in every case
	 * @param timeout the call's timeout, sent to the server as the {@code timeout-ms} header; or
	 * {@code null} for the configured request timeout (not sent)
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 * @throws IllegalArgumentException when the route or a header is too long (the payload is
	 * released)
	 */
	public CompletableFuture<Reply> request(String route, Map<String, String> headers, ByteBuf payload,
			@Nullable Duration timeout) {
		Objects.requireNonNull(payload, "payload");
		try {
			checkMessage(route, headers);
		}
		catch (RuntimeException ex) {
			payload.release();
			throw ex;
		}
		long timeoutNanos = (timeout != null) ? timeout.toNanos() : this.config.requestTimeout().toNanos();
		Map<String, String> sent = copy(headers);
		Object observation = null;
		if (this.recorder != FastnetMetricsRecorder.NONE) {
			sent = new LinkedHashMap<>(sent);
			observation = this.recorder.clientRequestStarted(route, sent);
		}
		RequestCall call = new RequestCall(this, route, sent, payload, timeoutNanos, timeout != null);
		call.observation = observation;
		if (timeoutNanos <= 0) {
			call.fail(call.timeoutFailure("Request"));
			return call.future;
		}
		dispatch(call);
		return call.future;
	}

	/**
	 * Send a request and wait for its answer.
	 * @param route the route
	 * @param payload the payload
	 * @return the answer
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 * @throws FastnetException the failure, unwrapped: {@link FastnetRemoteException},
	 * {@link FastnetTimeoutException}, {@link ConnectionClosedException} and so on
	 */
	public Reply requestBlocking(String route, byte[] payload) {
		checkNotOnIoThread("requestBlocking");
		return await(request(route, payload), route);
	}

	/**
	 * Send a request with headers and an optional timeout of its own, and wait for its answer.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload
	 * @param timeout the call's timeout, or {@code null} for the configured request timeout
	 * @return the answer
	 * @throws FastnetException the failure, unwrapped
	 */
	public Reply requestBlocking(String route, Map<String, String> headers, byte[] payload,
			@Nullable Duration timeout) {
		checkNotOnIoThread("requestBlocking");
		return await(request(route, headers, payload, timeout), route);
	}

	private static <T> T await(CompletableFuture<T> future, String route) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new FastnetException(Status.INTERNAL.code(), "Request '" + route + "' failed", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new FastnetException(Status.UNAVAILABLE.code(), "Interrupted while waiting for '" + route + "'", ex);
		}
	}

	/**
	 * Send a one-way message: no answer is ever sent.
	 * @param route the route
	 * @param payload the payload; must not be modified until the returned future completes
	 * @return completes when the message is written to the connection
	 */
	public CompletableFuture<Void> oneway(String route, byte[] payload) {
		Objects.requireNonNull(payload, "payload");
		return oneway(route, Map.of(), Unpooled.wrappedBuffer(payload));
	}

	/**
	 * Send a one-way message with headers.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; ownership passes to the client
	 * @return completes when the message is written to the connection
	 */
	public CompletableFuture<Void> oneway(String route, Map<String, String> headers, ByteBuf payload) {
		Objects.requireNonNull(payload, "payload");
		try {
			checkMessage(route, headers);
		}
		catch (RuntimeException ex) {
			payload.release();
			throw ex;
		}
		Map<String, String> sent = copy(headers);
		Object observation = null;
		if (this.recorder != FastnetMetricsRecorder.NONE) {
			sent = new LinkedHashMap<>(sent);
			observation = this.recorder.clientRequestStarted(route, sent);
		}
		OnewayCall call = new OnewayCall(this, route, sent, payload, this.config.requestTimeout().toNanos());
		call.observation = observation;
		dispatch(call);
		return call.future;
	}

	/**
	 * Send a PING on a pooled connection (opening one if needed).
	 * @return completes with the round-trip time when the PONG arrives
	 */
	public CompletableFuture<Duration> ping() {
		PingCall call = new PingCall(this, this.config.pool().pingTimeout().toNanos());
		dispatch(call);
		return call.future;
	}

	private static void checkMessage(String route, Map<String, String> headers) {
		Objects.requireNonNull(route, "route");
		Objects.requireNonNull(headers, "headers");
		if (route.length() > FrameFormat.MAX_ROUTE_LENGTH || ByteBufUtil.utf8Bytes(route) > FrameFormat.MAX_ROUTE_LENGTH) {
			throw new IllegalArgumentException(
					"route must be at most " + FrameFormat.MAX_ROUTE_LENGTH + " UTF-8 bytes: " + route);
		}
		if (headers.isEmpty()) {
			return;
		}
		int block = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			String key = Objects.requireNonNull(header.getKey(), "header key");
			String value = Objects.requireNonNull(header.getValue(), "header value");
			int keyLength = ByteBufUtil.utf8Bytes(key);
			int valueLength = ByteBufUtil.utf8Bytes(value);
			if (keyLength > 255) {
				throw new IllegalArgumentException("header key must be at most 255 UTF-8 bytes: " + key);
			}
			if (valueLength > 0xFFFF) {
				throw new IllegalArgumentException("header value must be at most 65535 UTF-8 bytes: " + valueLength);
			}
			block += 1 + keyLength + 2 + valueLength;
		}
		if (block > FrameFormat.MAX_HEADERS_BLOCK - TIMEOUT_HEADER_RESERVE) {
			throw new IllegalArgumentException("headers must fit in "
					+ (FrameFormat.MAX_HEADERS_BLOCK - TIMEOUT_HEADER_RESERVE) + " bytes: " + block);
		}
	}

	private static Map<String, String> copy(Map<String, String> headers) {
		return headers.isEmpty() ? Map.of() : new LinkedHashMap<>(headers);
	}

	// Dispatching and balancing

	private void dispatch(Call call) {
		route(call, null);
	}

	/**
	 * Send a call that was not written to another pool, or fail it. The caller owns the call.
	 * @param from the pool that could not take it, skipped, or {@code null}
	 */
	void redispatch(Call call, @Nullable EndpointPool from) {
		route(call, from);
	}

	private void route(Call call, @Nullable EndpointPool from) {
		if (this.closing) {
			call.fail(closedFailure());
			return;
		}
		if (System.nanoTime() - call.deadlineNanos >= 0) {
			call.fail(call.timeoutFailure("Request"));
			return;
		}
		EndpointPool pool = select(from);
		if (pool == null) {
			call.fail(noEndpointFailure(from));
			return;
		}
		if (!call.dispatched(pool)) {
			call.fail(new FastnetConnectException("No connection could take the call to '" + call.route + "'", null));
			return;
		}
		pool.acquire(call);
	}

	private @Nullable EndpointPool select(@Nullable EndpointPool exclude) {
		EndpointPool[] pools = this.pools;
		int count = pools.length;
		if (count == 0) {
			return null;
		}
		if (count == 1) {
			EndpointPool pool = pools[0];
			return (pool != exclude && (pool.isUp() || pool.canServe())) ? pool : null;
		}
		EndpointPool chosen = (this.config.balancing() == Balancing.ROUND_ROBIN) ? roundRobin(pools, exclude)
				: leastOutstanding(pools, exclude);
		if (chosen != null) {
			return chosen;
		}
		// None is up: one that has a connection, or may try one now
		int start = ThreadLocalRandom.current().nextInt(count);
		for (int i = 0; i < count; i++) {
			EndpointPool pool = pools[(start + i) % count];
			if (pool != exclude && pool.canServe()) {
				return pool;
			}
		}
		return null;
	}

	private @Nullable EndpointPool roundRobin(EndpointPool[] pools, @Nullable EndpointPool exclude) {
		int count = pools.length;
		int start = (this.roundRobin.getAndIncrement() & Integer.MAX_VALUE) % count;
		for (int i = 0; i < count; i++) {
			EndpointPool pool = pools[(start + i) % count];
			if (pool != exclude && up(pool)) {
				return pool;
			}
		}
		return null;
	}

	private @Nullable EndpointPool leastOutstanding(EndpointPool[] pools, @Nullable EndpointPool exclude) {
		int count = pools.length;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int first = random.nextInt(count);
		int second = random.nextInt(count - 1);
		if (second >= first) {
			second++;
		}
		EndpointPool a = pools[first];
		EndpointPool b = pools[second];
		boolean aUp = a != exclude && up(a);
		boolean bUp = b != exclude && up(b);
		if (aUp && bUp) {
			return (b.outstanding() < a.outstanding()) ? b : a;
		}
		if (aUp) {
			return a;
		}
		if (bUp) {
			return b;
		}
		for (int i = 0; i < count; i++) {
			EndpointPool pool = pools[(first + i) % count];
			if (pool != exclude && up(pool)) {
				return pool;
			}
		}
		return null;
	}

	/**
	 * Return whether the pool is up; probe it in the background when it is not and may be.
	 */
	private static boolean up(EndpointPool pool) {
		if (pool.isUp()) {
			return true;
		}
		pool.probe();
		return false;
	}

	private FastnetConnectException noEndpointFailure(@Nullable EndpointPool from) {
		EndpointPool[] pools = this.pools;
		if (from != null && pools.length == 1 && pools[0] == from) {
			Throwable cause = from.lastConnectFailure();
			if (cause != null) {
				return new FastnetConnectException("Failed to connect to " + from.label() + ": " + cause.getMessage(),
						cause);
			}
		}
		List<String> states = new ArrayList<>(pools.length);
		for (EndpointPool pool : pools) {
			states.add(pool.describe());
		}
		return new NoEndpointAvailableException("No endpoint of client '" + this.config.name() + "' is available: "
				+ (states.isEmpty() ? "no endpoints" : String.join(", ", states)));
	}

	ChannelFuture connect(InetSocketAddress address, ClientConnection connection) {
		return this.bootstrap.clone()
			.handler(new ClientChannelInitializer(this.config.maxFrameSize(), this.encoder, connection,
					this.pipelineCustomizer))
			.connect(address);
	}

	// Pushes

	/**
	 * Register the listener of a route's pushed messages, replacing any previous one.
	 * @param route the route
	 * @param listener the listener; runs on an I/O thread and must not block
	 */
	public void onPush(String route, PushListener listener) {
		Objects.requireNonNull(route, "route");
		Objects.requireNonNull(listener, "listener");
		this.pushListeners.put(route, listener);
	}

	/**
	 * Hand a PUSH or server-sent ONEWAY to its listener. Event loop.
	 * @param frame the message; released here
	 */
	void deliverPush(Frame frame) {
		String route = frame.route();
		PushListener listener;
		Reply message;
		try {
			listener = this.pushListeners.get(route);
			if (listener == null) {
				this.unroutedPushes.increment();
				logger.debug("Dropped a pushed message for route '" + route + "': no listener");
				return;
			}
			message = Reply.trusted(ByteBufUtil.getBytes(frame.payload()), frame.headers());
		}
		finally {
			frame.release();
		}
		try {
			listener.onPush(route, message);
		}
		catch (RuntimeException ex) {
			logger.warn("Push listener for route '" + route + "' failed", ex);
		}
	}

	// Endpoints

	/**
	 * Replace the endpoints, for service discovery. Pools of endpoints that stay are kept;
	 * removed endpoints are drained gracefully: no new calls go to them, calls waiting there
	 * move to the others, and their connections close once their requests are answered.
	 * @param endpoints the new endpoints, possibly empty
	 * @throws ClientClosedException when the client is closed
	 */
	public void updateEndpoints(List<InetSocketAddress> endpoints) {
		List<InetSocketAddress> checked = ClientConfig.checkEndpoints(endpoints);
		List<EndpointPool> added = new ArrayList<>();
		List<EndpointPool> removed;
		synchronized (this.lifecycleMonitor) {
			if (this.closing) {
				throw closedFailure();
			}
			Map<InetSocketAddress, EndpointPool> current = new HashMap<>();
			for (EndpointPool pool : this.pools) {
				current.put(pool.address(), pool);
			}
			EndpointPool[] updated = new EndpointPool[checked.size()];
			for (int i = 0; i < updated.length; i++) {
				EndpointPool pool = current.remove(checked.get(i));
				if (pool == null) {
					pool = newPool(checked.get(i));
					added.add(pool);
				}
				updated[i] = pool;
			}
			removed = new ArrayList<>(current.values());
			this.retiredPools.addAll(removed);
			this.pools = updated;
		}
		for (EndpointPool pool : removed) {
			pool.retire();
		}
		for (EndpointPool pool : added) {
			pool.ensureMinIdle();
		}
		if (!added.isEmpty() || !removed.isEmpty()) {
			logger.info("fastnet client '" + this.config.name() + "' endpoints updated: " + added.size() + " added, "
					+ removed.size() + " removed, now " + checked.size());
			for (Consumer<List<InetSocketAddress>> listener : this.endpointListeners) {
				try {
					listener.accept(checked);
				}
				catch (RuntimeException ex) {
					logger.warn("Endpoint listener of fastnet client '" + this.config.name() + "' failed", ex);
				}
			}
		}
	}

	/**
	 * Register a listener told the new endpoint list whenever {@link #updateEndpoints} changes
	 * it; for example to meter new endpoints. Called on the thread that updates the endpoints.
	 * @param listener the listener
	 */
	public void onEndpointsChanged(Consumer<List<InetSocketAddress>> listener) {
		this.endpointListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * A retired pool has no open connection left.
	 */
	void poolDrained(EndpointPool pool) {
		this.retiredPools.remove(pool);
	}

	// Lifecycle

	boolean isClosing() {
		return this.closing;
	}

	ClientClosedException closedFailure() {
		return new ClientClosedException("fastnet client '" + this.config.name() + "' is closed");
	}

	/**
	 * Note that calls may have finished; completes the drain of a closing client.
	 */
	void checkDrained() {
		if (this.closing && !this.drained.isDone() && inFlight() == 0) {
			this.drained.complete(null);
		}
	}

	private int inFlight() {
		int total = 0;
		for (EndpointPool pool : this.pools) {
			total += pool.inFlight();
		}
		for (EndpointPool pool : this.retiredPools) {
			total += pool.inFlight();
		}
		return total;
	}

	/**
	 * Close gracefully: new calls and calls still waiting for a connection fail with
	 * {@link ClientClosedException}; requests already sent get their answers for up to the
	 * grace period, then the remaining ones fail and every connection closes. No connection is
	 * opened once this is called. Idempotent: every call returns the same future.
	 * @param grace how long requests in flight may take
	 * @return completes when every connection and thread of the client is gone
	 */
	public CompletableFuture<Void> closeGracefully(Duration grace) {
		Objects.requireNonNull(grace, "grace");
		CompletableFuture<Void> future;
		synchronized (this.lifecycleMonitor) {
			if (this.closeFuture != null) {
				return this.closeFuture;
			}
			future = new CompletableFuture<>();
			this.closeFuture = future;
			this.closing = true;
		}
		int inFlight = inFlight();
		logger.info("Closing fastnet client '" + this.config.name() + "', waiting up to " + grace.toMillis()
				+ " ms for " + inFlight + " calls in flight");
		List<EndpointPool> pools = allPools();
		for (EndpointPool pool : pools) {
			pool.retire();
		}
		checkDrained();
		Thread thread = new Thread(() -> finishClose(grace, pools, future),
				"fastnet-client-" + this.config.name() + "-shutdown");
		thread.setDaemon(true);
		thread.start();
		return future;
	}

	private List<EndpointPool> allPools() {
		List<EndpointPool> pools = new ArrayList<>(List.of(this.pools));
		pools.addAll(this.retiredPools);
		return pools;
	}

	private void finishClose(Duration grace, List<EndpointPool> pools, CompletableFuture<Void> future) {
		try {
			try {
				this.drained.get(grace.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				logger.info("fastnet client '" + this.config.name() + "': grace period over with " + inFlight()
						+ " calls in flight; failing them");
			}
			List<ChannelFuture> closes = new ArrayList<>();
			for (EndpointPool pool : pools) {
				for (ClientConnection connection : pool.openConnections()) {
					ChannelFuture close = connection.closeByClient();
					if (close != null) {
						closes.add(close);
					}
				}
			}
			for (ChannelFuture close : closes) {
				close.awaitUninterruptibly(2, TimeUnit.SECONDS);
			}
			this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
			logger.info("fastnet client '" + this.config.name() + "' closed");
			future.complete(null);
		}
		catch (Throwable ex) {
			future.completeExceptionally(ex);
		}
	}

	/**
	 * Close gracefully and wait until closed.
	 * @param grace how long requests in flight may take
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 */
	public void close(Duration grace) {
		checkNotOnIoThread("close(Duration)");
		closeGracefully(grace).join();
	}

	/**
	 * Send a one-way message and wait until it is written.
	 * @param route the route
	 * @param headers the headers
	 * @param payload the payload
	 * @throws FastnetException the failure, unwrapped
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 */
	public void onewayBlocking(String route, Map<String, String> headers, byte[] payload) {
		checkNotOnIoThread("onewayBlocking");
		await(oneway(route, headers, Unpooled.wrappedBuffer(payload)), route);
	}

	/**
	 * Refuse a blocking call on one of this client's I/O threads, where futures complete: it
	 * would wait for itself forever.
	 */
	private void checkNotOnIoThread(String operation) {
		for (EventExecutor executor : this.group) {
			if (executor.inEventLoop()) {
				throw new IllegalStateException(operation + " would block an I/O thread of the client, which "
						+ "completes the futures it waits for; call it from another thread or use the asynchronous "
						+ "methods");
			}
		}
	}

	/**
	 * Close gracefully with the configured {@link ClientConfig#shutdownGrace() shutdown grace}
	 * and wait until closed.
	 */
	@Override
	public void close() {
		close(this.config.shutdownGrace());
	}

	/**
	 * Return whether {@link #closeGracefully(Duration)} was called.
	 * @return {@code true} once closing has started
	 */
	public boolean isClosed() {
		return this.closing;
	}

	// Figures

	/**
	 * Return a snapshot of the client's figures, read without locks.
	 * @return the snapshot
	 */
	public ClientStats stats() {
		return new ClientStats(endpoints(), this.rejected.sum());
	}

	/**
	 * Return a snapshot of each current endpoint's figures, read without locks.
	 * @return one entry per endpoint, in configuration order
	 */
	public List<EndpointStats> endpoints() {
		EndpointPool[] pools = this.pools;
		List<EndpointStats> stats = new ArrayList<>(pools.length);
		for (EndpointPool pool : pools) {
			stats.add(pool.stats());
		}
		return stats;
	}

	/**
	 * Close the circuit of an endpoint by hand: its failures are forgotten and the next call may
	 * connect to it at once, whatever its backoff or cool-down.
	 * @param endpoint the endpoint, as configured
	 * @return whether the endpoint is one of this client's
	 */
	public boolean resetCircuit(InetSocketAddress endpoint) {
		for (EndpointPool pool : this.pools) {
			InetSocketAddress address = pool.address();
			if (address.getPort() == endpoint.getPort() && address.getHostString().equals(endpoint.getHostString())) {
				pool.loop.execute(pool.governor::reset);
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the number of pushed messages dropped because no listener was registered for their
	 * route.
	 * @return the count
	 */
	public long unroutedPushes() {
		return this.unroutedPushes.sum();
	}

	/**
	 * Return the configuration.
	 * @return the configuration
	 */
	public ClientConfig config() {
		return this.config;
	}

	@Override
	public String toString() {
		return "FastnetClient['" + this.config.name() + "', " + List.of(this.pools) + "]";
	}

	/**
	 * Builds a {@link FastnetClient}.
	 */
	public static final class Builder {

		private final ClientConfig config;

		private final Map<String, PushListener> pushListeners = new LinkedHashMap<>();

		private FastnetMetricsRecorder recorder = FastnetMetricsRecorder.NONE;

		private @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

		private @Nullable ByteBufAllocator allocator;

		private Builder(ClientConfig config) {
			this.config = Objects.requireNonNull(config, "config");
		}

		/**
		 * Set the metrics recorder, called once per finished request.
		 * @param recorder the recorder
		 * @return this builder
		 */
		public Builder metricsRecorder(FastnetMetricsRecorder recorder) {
			this.recorder = Objects.requireNonNull(recorder, "recorder");
			return this;
		}

		/**
		 * Return the configuration the client will be built with.
		 * @return the configuration
		 */
		public ClientConfig config() {
			return this.config;
		}

		/**
		 * Add a customization of every connection's pipeline, applied after fastnet's handlers
		 * are in place (see {@link dev.fastnet.transport.FastnetPipeline} for their names).
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
		 * Register the listener of a route's pushed messages.
		 * @param route the route
		 * @param listener the listener; runs on an I/O thread and must not block
		 * @return this builder
		 */
		public Builder pushListener(String route, PushListener listener) {
			this.pushListeners.put(Objects.requireNonNull(route, "route"), Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Set the allocator of every buffer the client's connections encode, read and decode;
		 * by default Netty's ({@link ByteBufAllocator#DEFAULT}, adaptive in Netty 4.2).
		 * @param allocator the allocator
		 * @return this builder
		 */
		public Builder allocator(ByteBufAllocator allocator) {
			this.allocator = Objects.requireNonNull(allocator, "allocator");
			return this;
		}

		/**
		 * Build the client; connections for {@link PoolOptions#minIdle()} start opening at once.
		 * @return the client
		 */
		public FastnetClient build() {
			return new FastnetClient(this);
		}

	}

}
