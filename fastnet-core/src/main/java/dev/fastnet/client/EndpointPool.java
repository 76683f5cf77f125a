package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The connections of one endpoint: hands out slots on them, queues calls when all are
 * busy (up to a limit, for a bounded time), opens connections when needed through the
 * endpoint's {@link ReconnectGovernor}, and keeps its figures.
 * <p>
 * The uncontended acquire and release paths allocate nothing and take no lock: the usable
 * connections are a copy-on-write array read through a volatile field, and a slot is a
 * CAS on a connection's counter. Waiting calls are served by a single drain loop at a
 * time (a work-in- progress counter, no lock); only that loop removes calls from the
 * queue.
 */
final class EndpointPool {

	private static final Log logger = LogFactory.getLog(EndpointPool.class);

	private static final ClientConnection[] NONE = new ClientConnection[0];

	final ClientEngine engine;

	final EventLoop loop;

	final ReconnectGovernor governor;

	private final InetSocketAddress address;

	private final String label;

	private final PoolOptions options;

	private volatile ClientConnection[] connections = NONE;

	/** The same connections grouped by event loop; replaced with {@link #connections}. */
	private volatile LoopConnections byLoop = LoopConnections.NONE;

	private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

	private final ConcurrentLinkedQueue<Call> waiters = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingAcquires = new AtomicInteger();

	private final AtomicInteger drainWip = new AtomicInteger();

	/**
	 * Connects under way beside the governor's single attempt, while the endpoint is up.
	 */
	private final AtomicInteger parallelConnects = new AtomicInteger();

	/** Most connects under way at once to an endpoint that is up. */
	static final int MAX_PARALLEL_CONNECTS = 8;

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private volatile boolean retired;

	private volatile @Nullable Throwable lastConnectFailure;

	final LongAdder requestsOk = new LongAdder();

	final LongAdder requestsFailed = new LongAdder();

	final LongAdder requestsTimedOut = new LongAdder();

	final LongAdder connectAttempts = new LongAdder();

	final LongAdder connectFailures = new LongAdder();

	final LongAdder connectionsEvicted = new LongAdder();

	final LongAdder acquireNanos = new LongAdder();

	final LongAdder acquireCount = new LongAdder();

	final LongAdder lateResponses = new LongAdder();

	final LongAdder unknownResponses = new LongAdder();

	EndpointPool(ClientEngine engine, InetSocketAddress address, EventLoop loop, ReconnectGovernor governor) {
		this.engine = engine;
		this.address = address;
		this.label = label(address);
		this.options = engine.config().pool();
		this.loop = loop;
		this.governor = governor;
	}

	static String label(InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

	InetSocketAddress address() {
		return this.address;
	}

	String label() {
		return this.label;
	}

	PoolOptions options() {
		return this.options;
	}

	// Acquiring

	/**
	 * Give the call a slot on a connection, or queue it. The caller owns the call and has
	 * counted the dispatch.
	 */
	void acquire(Call call) {
		if (this.retired) {
			this.engine.redispatch(call, this);
			return;
		}
		ClientConnection connection = tryAcquire();
		if (connection != null) {
			call.assign(this, connection);
			return;
		}
		int max = this.options.maxPendingAcquires();
		if (this.pendingAcquires.incrementAndGet() > max) {
			this.pendingAcquires.decrementAndGet();
			maybeConnect();
			call.fail(new PendingAcquireLimitException(
					"Pending acquire queue has reached its maximum size of " + max + " for " + this.label));
			return;
		}
		call.waitIn(this, this.options.acquireTimeout().toNanos());
		this.waiters.offer(call);
		maybeConnect();
		drain();
	}

	/**
	 * Reserve a slot on a usable connection with room: on the connection whose answer is
	 * being handled when the caller is that answer's callback; on one of the calling
	 * event loop's own connections when the caller is one of this client's event loops (a
	 * callback of an earlier answer, say), so that the call is written without a hand-off
	 * to another thread; the less loaded of two chosen at random (power of two choices),
	 * so that the cost does not grow with the pool; scanning every connection only when
	 * both are full.
	 * @return the connection, or {@code null} when none has a free slot
	 */
	@Nullable ClientConnection tryAcquire() {
		return tryAcquire(false);
	}

	/**
	 * Reserve a slot as {@link #tryAcquire()} does.
	 * @param forWaiter whether the slot is for a call already waiting in the queue, which
	 * may scan the pool whatever else waits
	 */
	private @Nullable ClientConnection tryAcquire(boolean forWaiter) {
		int max = this.options.maxInFlightPerConnection();
		// Only an event loop (a FastThreadLocalThread) can be handling an answer or own
		// connections; other threads skip two thread-local lookups that are slow for them
		if (Thread.currentThread() instanceof FastThreadLocalThread) {
			ClientConnection answering = this.engine.answering.getIfExists();
			if (answering != null && answering.pool() == this && answering.isUsable() && answering.tryReserve(max)) {
				return answering;
			}
			LoopConnections byLoop = this.byLoop;
			if (byLoop.loops.length > 0) {
				ClientConnection[] own = byLoop.of(ThreadExecutorMap.currentExecutor());
				if (own != null) {
					ClientConnection connection = pickOfTwo(own, max);
					if (connection != null) {
						return connection;
					}
				}
			}
		}
		ClientConnection connection = pickOfTwo(this.connections, max);
		if (connection != null) {
			return connection;
		}
		// Calls already waiting mean every slot was taken a moment ago: queue behind them
		// rather
		// than scan a large pool on every call while it stays saturated
		return (!forWaiter && hasWaiters()) ? null : scan(max);
	}

	private static @Nullable ClientConnection pickOfTwo(ClientConnection[] connections, int max) {
		int count = connections.length;
		if (count == 0) {
			return null;
		}
		ClientConnection best = connections[0];
		if (count > 1) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int first = random.nextInt(count);
			int second = random.nextInt(count - 1);
			if (second >= first) {
				second++;
			}
			ClientConnection a = connections[first];
			ClientConnection b = connections[second];
			boolean aUsable = a.isUsable();
			boolean bUsable = b.isUsable();
			if (aUsable && bUsable) {
				best = (b.inFlight() < a.inFlight()) ? b : a;
			}
			else {
				best = aUsable ? a : b;
			}
		}
		return (best.isUsable() && best.tryReserve(max)) ? best : null;
	}

	private @Nullable ClientConnection scan(int max) {
		for (int round = 0; round < 4; round++) {
			ClientConnection[] connections = this.connections;
			int count = connections.length;
			if (count == 0) {
				return null;
			}
			ClientConnection best = null;
			int bestLoad = max;
			int index = (count == 1) ? 0 : ThreadLocalRandom.current().nextInt(count);
			for (int i = 0; i < count; i++) {
				ClientConnection connection = connections[index];
				index = (index + 1 == count) ? 0 : index + 1;
				int load = connection.inFlight();
				if (load < bestLoad && connection.isUsable()) {
					best = connection;
					bestLoad = load;
					if (load == 0) {
						break;
					}
				}
			}
			if (best == null) {
				return null;
			}
			if (best.tryReserve(max)) {
				return best;
			}
		}
		return null;
	}

	boolean hasWaiters() {
		return this.pendingAcquires.get() > 0;
	}

	/**
	 * A waiting call left the queue other than through the drain loop.
	 */
	void leftQueue() {
		this.pendingAcquires.decrementAndGet();
	}

	/**
	 * Serve waiting calls with free slots; send them elsewhere when this pool cannot
	 * serve them soon. Any thread; one drain loop runs at a time.
	 */
	void drain() {
		if (this.drainWip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Call call;
			while ((call = this.waiters.peek()) != null) {
				if (!call.isWaiting()) {
					this.waiters.poll();
					continue;
				}
				if (this.retired || cannotServeSoon()) {
					this.waiters.poll();
					if (call.claim()) {
						this.pendingAcquires.decrementAndGet();
						this.engine.redispatch(call, this);
					}
					continue;
				}
				ClientConnection connection = tryAcquire(true);
				if (connection == null) {
					maybeConnect();
					break;
				}
				this.waiters.poll();
				if (call.claim()) {
					this.pendingAcquires.decrementAndGet();
					call.assign(this, connection);
				}
				else {
					connection.release(false);
				}
			}
			missed = this.drainWip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * Return whether queued calls would only wait for their timeout: no connection, no
	 * attempt in flight, and the endpoint backing off after a failure.
	 */
	private boolean cannotServeSoon() {
		return this.connections.length == 0 && this.lastConnectFailure != null && !this.governor.isAttempting()
				&& !this.governor.isAttemptDue();
	}

	// Connecting

	/**
	 * Open a connection if the pool has room and the governor allows an attempt now.
	 */
	void maybeConnect() {
		if (this.retired || this.engine.isClosing() || this.connections.length >= this.options.maxConnections()) {
			return;
		}
		// Calls waiting for an endpoint that is up and already serves connections open
		// more side
		// by side, so that a large pool fills in a few round trips; otherwise one attempt
		// at a
		// time, paced by the governor's backoff and circuit. A connection that is open
		// but has
		// not answered yet proves nothing: a server may accept and close at once
		boolean parallel = this.connections.length > 0 && this.governor.state() == EndpointState.UP
				&& !this.governor.isAttempting() && hasWaiters();
		if (parallel) {
			if (this.parallelConnects.incrementAndGet() > MAX_PARALLEL_CONNECTS
					|| this.connections.length + this.parallelConnects.get()
							+ (this.governor.isAttempting() ? 1 : 0) > this.options.maxConnections()) {
				this.parallelConnects.decrementAndGet();
				return;
			}
		}
		else if (!this.governor.tryBeginAttempt()) {
			return;
		}
		// Parallel attempts still connecting count against the maximum too, or the
		// governor's
		// attempt could open one connection too many
		if (this.retired || this.engine.isClosing() || this.connections.length
				+ (parallel ? 0 : this.parallelConnects.get()) >= this.options.maxConnections()) {
			if (parallel) {
				this.parallelConnects.decrementAndGet();
			}
			else {
				this.governor.cancelAttempt();
			}
			return;
		}
		this.connectAttempts.increment();
		ClientConnection connection = new ClientConnection(this);
		// Counted until the connection joins the pool (opened) or fails
		connection.parallelAttempt = parallel;
		try {
			this.engine.connect(this.address, connection).addListener((ChannelFuture future) -> {
				if (!future.isSuccess()) {
					if (parallel) {
						this.parallelConnects.decrementAndGet();
					}
					connectFailed(future.cause());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			if (parallel) {
				this.parallelConnects.decrementAndGet();
			}
			connectFailed(ex);
		}
	}

	/**
	 * Make an attempt in the background if one is due, without queueing a call: how an
	 * endpoint that is backing off or down is probed while others take the traffic.
	 */
	void probe() {
		if (this.governor.isAttemptDue()) {
			maybeConnect();
		}
	}

	private void connectFailed(Throwable cause) {
		this.connectFailures.increment();
		this.lastConnectFailure = cause;
		long delay = this.governor.failed();
		if (logger.isDebugEnabled()) {
			logger.debug("Connect attempt to " + this.label + " failed (" + cause + "); " + this.governor.state()
					+ ", next attempt in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
		}
		drain();
		scheduleRetry(delay);
	}

	private void scheduleRetry(long delayNanos) {
		if (this.retired || this.engine.isClosing() || !needsConnection()) {
			return;
		}
		if (this.retryScheduled.compareAndSet(false, true)) {
			try {
				this.loop.schedule(() -> {
					this.retryScheduled.set(false);
					maybeConnect();
					drain();
				}, delayNanos, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				this.retryScheduled.set(false);
			}
		}
	}

	private boolean needsConnection() {
		return this.connections.length < this.options.minIdle() || hasWaiters();
	}

	/**
	 * Open connections up to the minimum idle count.
	 */
	void ensureMinIdle() {
		if (this.connections.length < this.options.minIdle()) {
			maybeConnect();
		}
	}

	// Connection lifecycle

	/**
	 * A connection is active: hand it out. Event loop of the connection.
	 */
	void opened(ClientConnection connection) {
		boolean parallel = connection.parallelAttempt;
		connection.parallelAttempt = false;
		synchronized (this) {
			this.open.add(connection);
			if (this.retired || this.engine.isClosing()) {
				if (parallel) {
					this.parallelConnects.decrementAndGet();
				}
				connection.retire();
				return;
			}
			ClientConnection[] current = this.connections;
			ClientConnection[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = connection;
			this.connections = updated;
			this.byLoop = LoopConnections.of(updated);
		}
		if (parallel) {
			this.parallelConnects.decrementAndGet();
			// Room for the next one while calls wait
			if (hasWaiters()) {
				maybeConnect();
			}
		}
		drain();
	}

	/**
	 * A connection answered its first frame: the connect attempt succeeded.
	 */
	void confirmed(ClientConnection connection) {
		this.lastConnectFailure = null;
		this.governor.succeeded();
		ensureMinIdle();
		drain();
	}

	/**
	 * A connection is retired (GOAWAY, eviction, close): no new calls go to it.
	 */
	void retired(ClientConnection connection) {
		boolean removed;
		synchronized (this) {
			removed = remove(connection);
		}
		if (removed && !this.retired && !this.engine.isClosing()) {
			// A replacement, if the pool needs one
			ensureMinIdle();
			if (hasWaiters()) {
				maybeConnect();
				drain();
			}
		}
	}

	/**
	 * Remove an idle connection unless the pool would fall below its minimum idle count.
	 * @return {@code true} when removed; the caller closes it
	 */
	synchronized boolean tryRemoveIdle(ClientConnection connection) {
		if (this.connections.length <= this.options.minIdle() || connection.inFlight() != 0) {
			return false;
		}
		return remove(connection);
	}

	private boolean remove(ClientConnection connection) {
		ClientConnection[] current = this.connections;
		for (int i = 0; i < current.length; i++) {
			if (current[i] == connection) {
				ClientConnection[] updated = new ClientConnection[current.length - 1];
				System.arraycopy(current, 0, updated, 0, i);
				System.arraycopy(current, i + 1, updated, i, current.length - i - 1);
				this.connections = updated;
				this.byLoop = LoopConnections.of(updated);
				return true;
			}
		}
		return false;
	}

	/**
	 * A connection closed. One closed before it answered anything ends its connect
	 * attempt as a failure ("accepted then closed at once", or a TLS handshake that
	 * failed).
	 */
	void closed(ClientConnection connection, @Nullable Throwable cause) {
		boolean wasOpen;
		synchronized (this) {
			remove(connection);
			wasOpen = this.open.remove(connection);
		}
		if (!wasOpen && connection.parallelAttempt) {
			// A TLS connection joins the pool only with the server's first answer
			connection.parallelAttempt = false;
			this.parallelConnects.decrementAndGet();
		}
		boolean attempt = wasOpen || connection.isTls();
		if (attempt && !connection.isConfirmed() && !this.engine.isClosing() && !this.retired) {
			// A TLS failure is the cause itself, so that callers see the
			// SSLHandshakeException
			connectFailed((cause instanceof SSLException) ? cause : new FastnetConnectException(
					"Connection to " + this.label + " was closed before the server answered anything", cause));
		}
		else if (!this.retired && !this.engine.isClosing()) {
			ensureMinIdle();
			if (hasWaiters()) {
				maybeConnect();
				drain();
			}
		}
		if (this.retired && this.open.isEmpty()) {
			this.engine.poolDrained(this);
		}
		this.engine.checkDrained();
	}

	/**
	 * Stop using this pool (endpoint removed or client closing): waiting calls go
	 * elsewhere or fail, connections close once their calls are done.
	 */
	void retire() {
		this.retired = true;
		for (ClientConnection connection : this.open) {
			connection.retire();
		}
		drain();
		if (this.open.isEmpty()) {
			this.engine.poolDrained(this);
		}
	}

	@Nullable Throwable lastConnectFailure() {
		return this.lastConnectFailure;
	}

	boolean isRetired() {
		return this.retired;
	}

	Set<ClientConnection> openConnections() {
		return this.open;
	}

	// Balancing

	/**
	 * Return whether the endpoint takes calls: up, and not removed.
	 */
	boolean isUp() {
		return !this.retired && this.governor.state() == EndpointState.UP;
	}

	/**
	 * Return whether a call sent here could be served soon although the endpoint is not
	 * up: it has a usable connection, or a connect attempt is in flight or due.
	 */
	boolean canServe() {
		if (this.retired) {
			return false;
		}
		for (ClientConnection connection : this.connections) {
			if (connection.isUsable()) {
				return true;
			}
		}
		return this.governor.isAttempting() || this.governor.isAttemptDue();
	}

	/**
	 * Return the calls in flight and waiting, for least-outstanding balancing.
	 */
	int outstanding() {
		int total = this.pendingAcquires.get();
		for (ClientConnection connection : this.connections) {
			total += connection.inFlight();
		}
		return total;
	}

	/**
	 * Return the calls holding a slot on any open connection.
	 */
	int inFlight() {
		int total = 0;
		for (ClientConnection connection : this.open) {
			total += connection.inFlight();
		}
		return total;
	}

	// Stats

	EndpointStats stats() {
		int open = 0;
		int idle = 0;
		int inFlight = 0;
		for (ClientConnection connection : this.open) {
			int calls = connection.inFlight();
			open++;
			inFlight += calls;
			if (calls == 0) {
				idle++;
			}
		}
		return new EndpointStats(this.address, this.governor.state(), open, idle, open - idle,
				Math.max(0, this.pendingAcquires.get()), inFlight, this.requestsOk.sum(), this.requestsFailed.sum(),
				this.requestsTimedOut.sum(), this.connectAttempts.sum(), this.connectFailures.sum(),
				this.connectionsEvicted.sum(), this.acquireNanos.sum(), this.acquireCount.sum(),
				this.lateResponses.sum(), this.unknownResponses.sum(), this.governor.stateChanges());
	}

	String describe() {
		long retryIn = TimeUnit.NANOSECONDS.toMillis(this.governor.nanosUntilNextAttempt());
		return this.label + " " + this.governor.state()
				+ ((retryIn > 0) ? " (next attempt in " + retryIn + " ms)" : "");
	}

	@Override
	public String toString() {
		return "EndpointPool[" + describe() + "]";
	}

	/**
	 * Connections grouped by the event loop they run on; a handful of loops, so a scan by
	 * identity finds the group.
	 */
	static final class LoopConnections {

		static final LoopConnections NONE = new LoopConnections(new EventExecutor[0], new ClientConnection[0][]);

		final EventExecutor[] loops;

		final ClientConnection[][] connections;

		private LoopConnections(EventExecutor[] loops, ClientConnection[][] connections) {
			this.loops = loops;
			this.connections = connections;
		}

		static LoopConnections of(ClientConnection[] all) {
			Map<EventExecutor, List<ClientConnection>> grouped = new LinkedHashMap<>();
			for (ClientConnection connection : all) {
				EventExecutor loop = connection.loopOrNull();
				if (loop != null) {
					grouped.computeIfAbsent(loop, (key) -> new ArrayList<>()).add(connection);
				}
			}
			EventExecutor[] loops = grouped.keySet().toArray(new EventExecutor[0]);
			ClientConnection[][] connections = new ClientConnection[loops.length][];
			for (int i = 0; i < loops.length; i++) {
				connections[i] = grouped.get(loops[i]).toArray(new ClientConnection[0]);
			}
			return new LoopConnections(loops, connections);
		}

		@Nullable ClientConnection[] of(@Nullable EventExecutor loop) {
			for (int i = 0; i < this.loops.length; i++) {
				if (this.loops[i] == loop) {
					return this.connections[i];
				}
			}
			return null;
		}

	}

}
