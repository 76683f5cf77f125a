package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
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
 * The engine behind {@link FastnetClient}: its event loops, endpoint pools, balancing,
 * dispatch and redispatch of calls, pushes, endpoint updates and close bookkeeping. The
 * internal classes (pools, connections, calls) talk to it; users see only
 * {@link FastnetClient}.
 */
final class ClientEngine {

	private static final Log logger = LogFactory.getLog(ClientEngine.class);

	private final ClientConfig config;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private final Transport transport;

	private volatile @Nullable TlsConfig tls;

	private final FrameEncoder encoder = new FrameEncoder();

	final FastnetMetricsRecorder recorder;

	private final Map<String, PushListener> pushListeners;

	private final Object lifecycleMonitor = new Object();

	private final Set<EndpointPool> retiredPools = ConcurrentHashMap.newKeySet();

	private final AtomicInteger roundRobin = new AtomicInteger();

	private final CompletableFuture<Void> drained = new CompletableFuture<>();

	final LongAdder rejected = new LongAdder();

	/**
	 * The connection whose answer this I/O thread is handling, for the callback's next
	 * call.
	 */
	final FastThreadLocal<ClientConnection> answering = new FastThreadLocal<>();

	/** Each event loop's share of the resend buffer; fixed once the loops exist. */
	private final Map<EventExecutor, ResendBuffer.Lane> resendLanes;

	private final LongAdder unroutedPushes = new LongAdder();

	private final List<Consumer<List<InetSocketAddress>>> endpointListeners = new CopyOnWriteArrayList<>();

	private volatile EndpointPool[] pools;

	private volatile boolean closing;

	private @Nullable CompletableFuture<Void> closeFuture;

	private final @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

	ClientEngine(ClientConfig config, FastnetMetricsRecorder recorder, Map<String, PushListener> pushListeners,
			@Nullable Consumer<ChannelPipeline> pipelineCustomizer, @Nullable ByteBufAllocator allocator) {
		this.config = config;
		this.pipelineCustomizer = pipelineCustomizer;
		this.recorder = recorder;
		this.pushListeners = new ConcurrentHashMap<>(pushListeners);
		Transport transport = this.config.transport().resolve();
		this.group = transport.newEventLoopGroup(this.config.ioThreads(),
				"fastnet-client-" + this.config.name() + "-io", true);
		this.transport = transport;
		this.tls = this.config.tls();
		this.resendLanes = resendLanes(this.group, this.config.resendBufferSize());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(transport.channelClass())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, this.config.connectTimeout().toMillis()));
		if (allocator != null) {
			this.bootstrap.option(ChannelOption.ALLOCATOR, allocator);
		}
		try {
			transport.configure(this.bootstrap, this.config.socket());
		}
		catch (RuntimeException ex) {
			this.group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
			throw ex;
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

	private static Map<EventExecutor, ResendBuffer.Lane> resendLanes(EventLoopGroup group, long capacity) {
		List<EventExecutor> loops = new ArrayList<>();
		group.forEach(loops::add);
		ResendBuffer buffer = new ResendBuffer(capacity, loops.size());
		Map<EventExecutor, ResendBuffer.Lane> lanes = new IdentityHashMap<>();
		for (EventExecutor loop : loops) {
			lanes.put(loop, buffer.newLane());
		}
		return lanes;
	}

	ClientConfig config() {
		return this.config;
	}

	/**
	 * Return the share of the resend buffer of one of the client's event loops.
	 */
	ResendBuffer.Lane resendLane(EventExecutor loop) {
		ResendBuffer.Lane lane = this.resendLanes.get(loop);
		if (lane == null) {
			throw new IllegalStateException("Not an event loop of this client: " + loop);
		}
		return lane;
	}

	// Dispatching and balancing

	void dispatch(Call call) {
		route(call, null);
	}

	/**
	 * Send a call that was not written to another pool, or fail it. The caller owns the
	 * call.
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
		// A new call was checked when it was made: only one sent again may have run out
		// of time
		if (call.redispatched() && System.nanoTime() - call.deadlineNanos >= 0) {
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
	 * Return whether the pool is up; probe it in the background when it is not and may
	 * be.
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
			.handler(new ClientChannelInitializer(this.config.maxFrameSize(), this.config.framing(), this.encoder,
					connection, this.pipelineCustomizer, this.tls, address))
			.connect(address);
	}

	// Pushes

	void onPush(String route, PushListener listener) {
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

	void updateEndpoints(List<InetSocketAddress> endpoints) {
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
	 * Register a listener told the new endpoint list whenever {@link #updateEndpoints}
	 * changes it; for example to meter new endpoints. Called on the thread that updates
	 * the endpoints.
	 * @param listener the listener
	 */
	void onEndpointsChanged(Consumer<List<InetSocketAddress>> listener) {
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
	 * {@link ClientClosedException}; requests already sent get their answers for up to
	 * the grace period, then the remaining ones fail and every connection closes. No
	 * connection is opened once this is called. Idempotent: every call returns the same
	 * future.
	 * @param grace how long requests in flight may take
	 * @return completes when every connection and thread of the client is gone
	 */
	CompletableFuture<Void> closeGracefully(Duration grace) {
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

	boolean isClosed() {
		return this.closing;
	}

	/**
	 * Refuse a blocking call on one of this client's I/O threads, where futures complete:
	 * it would wait for itself forever.
	 */
	void checkNotOnIoThread(String operation) {
		for (EventExecutor executor : this.group) {
			if (executor.inEventLoop()) {
				throw new IllegalStateException(operation + " would block an I/O thread of the client, which "
						+ "completes the futures it waits for; call it from another thread or use the asynchronous "
						+ "methods");
			}
		}
	}

	// Figures

	ClientStats stats() {
		return new ClientStats(endpoints(), this.rejected.sum());
	}

	List<EndpointStats> endpoints() {
		EndpointPool[] pools = this.pools;
		List<EndpointStats> stats = new ArrayList<>(pools.length);
		for (EndpointPool pool : pools) {
			stats.add(pool.stats());
		}
		return stats;
	}

	boolean resetCircuit(InetSocketAddress endpoint) {
		for (EndpointPool pool : this.pools) {
			InetSocketAddress address = pool.address();
			if (address.getPort() == endpoint.getPort() && address.getHostString().equals(endpoint.getHostString())) {
				pool.loop.execute(pool.governor::reset);
				return true;
			}
		}
		return false;
	}

	long unroutedPushes() {
		return this.unroutedPushes.sum();
	}

	Transport transport() {
		return this.transport;
	}

	@Nullable TlsConfig tls() {
		return this.tls;
	}

	void updateTls(TlsConfig tls) {
		if (tls.context().isServer()) {
			throw new IllegalArgumentException("tls must hold a client context, not a server context");
		}
		if (this.tls == null) {
			throw new IllegalStateException("fastnet client '" + this.config.name() + "' was configured without TLS");
		}
		this.tls = tls;
	}

	@Override
	public String toString() {
		return "FastnetClient['" + this.config.name() + "', " + List.of(this.pools) + "]";
	}

}
