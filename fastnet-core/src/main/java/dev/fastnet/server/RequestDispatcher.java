package dev.fastnet.server;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Route;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.session.Session;
import dev.fastnet.worker.WorkerPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Admits requests: looks up the route, checks draining and deadlines, hands the request
 * to where its handler runs, and keeps the count of requests in flight that a graceful
 * stop waits for.
 */
final class RequestDispatcher {

	private static final Log logger = LogFactory.getLog(RequestDispatcher.class);

	private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

	private final Routes routes;

	private final WorkerPool workers;

	private final ServerStats stats;

	private final ServerContext context;

	private final Execution defaultExecution;

	private final long minPingIntervalNanos;

	private final int maxPingStrikes;

	private final InFlightRequests inFlight = new InFlightRequests(this::noneInFlight);

	private final Map<Long, ServerConnection> connections = new ConcurrentHashMap<>();

	private final Map<EventLoop, LoopLane> lanes = new ConcurrentHashMap<>();

	private final AtomicLong lastProtocolWarning = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	private final AtomicLong lastPingWarning = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	private volatile boolean draining;

	private volatile long lingerNanos;

	private volatile @Nullable Runnable onDrained;

	RequestDispatcher(Routes routes, ServerConfig config, WorkerPool workers, ServerStats stats,
			FastnetMetricsRecorder recorder) {
		this.routes = routes;
		this.workers = workers;
		this.stats = stats;
		this.context = new ServerContext(config, stats, recorder, this.inFlight);
		this.defaultExecution = config.defaultExecution();
		this.minPingIntervalNanos = config.minPingInterval().toNanos();
		this.maxPingStrikes = config.maxPingStrikes();
		boolean usesVirtual = config.defaultExecution() == Execution.VIRTUAL
				|| routes.all().stream().anyMatch((route) -> route.execution() == Execution.VIRTUAL);
		if (usesVirtual && !workers.supportsVirtualThreads()) {
			logger.warn("Virtual threads need Java 21 or later; handlers configured for VIRTUAL execution run on "
					+ "the platform worker pool");
		}
	}

	void dispatch(ServerConnection connection, Frame frame) {
		// The clock is read only when something needs it: a recorder, or a deadline to
		// check
		ServerContext context = this.context;
		long now = (context.timed() || !frame.headers().isEmpty()) ? System.nanoTime() : 0L;
		boolean oneway = frame.type() == FrameType.ONEWAY;
		if (!oneway) {
			connection.requestReceived();
		}
		if (this.draining) {
			// GOAWAY first: only a peer that has seen it knows the 503 is safe to send
			// elsewhere
			connection.sendGoAway();
			refuse(connection, frame, FastnetMetricsRecorder.UNKNOWN_ROUTE, Status.UNAVAILABLE,
					"Server is shutting down", now);
			return;
		}
		Route route = this.routes.get(frame.route());
		if (route == null) {
			refuse(connection, frame, FastnetMetricsRecorder.UNKNOWN_ROUTE, Status.NOT_FOUND,
					"No handler for route '" + frame.route() + "'", now);
			return;
		}
		long deadline = InboundRequest.NO_DEADLINE;
		if (!frame.headers().isEmpty()) {
			String timeout = frame.headers().get(FrameFormat.HEADER_TIMEOUT_MS);
			if (timeout != null) {
				long millis = parseMillis(timeout);
				if (millis < 0) {
					refuse(connection, frame, route.name(), Status.BAD_REQUEST,
							"Invalid " + FrameFormat.HEADER_TIMEOUT_MS + " header: " + timeout, now);
					return;
				}
				deadline = now + Math.min(millis, Long.MAX_VALUE / 2_000_000L) * 1_000_000L;
			}
		}
		Object observation = context.timed() ? context.recorder().serverRequestStarted(route.name(), frame.headers())
				: null;
		InboundRequest request = new InboundRequest(connection, frame, route, context, now, deadline, observation);
		this.inFlight.add();
		if (this.draining) {
			// Counted before this check: a drain starting meanwhile either waits for this
			// request or
			// is seen here, so no admitted request is cut off by the final close
			connection.sendGoAway();
			request.reject(Status.UNAVAILABLE, "Server is shutting down");
			return;
		}
		Execution execution = (route.execution() != null) ? route.execution() : this.defaultExecution;
		long requestTimeoutNanos = context.requestTimeoutNanos();
		boolean timed = !oneway && requestTimeoutNanos > 0;
		boolean admitted = switch (execution) {
			case EVENT_LOOP -> {
				request.runOnEventLoop();
				yield true;
			}
			case PLATFORM -> connection.lane().handToWorkers(request);
			case VIRTUAL -> this.workers.tryExecuteVirtual(request);
		};
		if (!admitted) {
			request.reject(Status.UNAVAILABLE,
					(execution == Execution.VIRTUAL) ? "Server is overloaded: virtual thread limit reached"
							: "Server is overloaded: worker queue is full");
			return;
		}
		// After hand-off, so that refused requests are never watched; a request answered
		// by then
		// (on this loop, or queued for it by a worker) is not watched either
		if (timed && request.isPending()) {
			connection.lane().track(request, ((now != 0) ? now : System.nanoTime()) + requestTimeoutNanos);
		}
	}

	/**
	 * Return the state kept for an event loop, created on first use.
	 */
	LoopLane lane(EventLoop loop) {
		return this.lanes.computeIfAbsent(loop, (key) -> new LoopLane(key, this.workers));
	}

	private void refuse(ServerConnection connection, Frame frame, String route, Status status, String message,
			long startNanos) {
		boolean oneway = frame.type() == FrameType.ONEWAY;
		int id = frame.id();
		ServerContext context = this.context;
		Object observation = context.timed() ? context.recorder().serverRequestStarted(route, frame.headers()) : null;
		frame.release();
		if (!oneway) {
			connection.answer(Frame.error(connection.channel().alloc(), id, status.code(), message));
		}
		// Never admitted, so never in flight
		context.requestFinished(observation, route, status.code(), startNanos);
	}

	/**
	 * Refuse a request whose headers were over the limits and so never decoded.
	 */
	void refuseHeaders(ServerConnection connection, Frame frame, String message) {
		if (frame.type() != FrameType.ONEWAY) {
			connection.requestReceived();
		}
		Route route = this.routes.get(frame.route());
		refuse(connection, frame, (route != null) ? route.name() : FastnetMetricsRecorder.UNKNOWN_ROUTE,
				Status.BAD_REQUEST, message, this.context.timed() ? System.nanoTime() : 0L);
	}

	private static long parseMillis(String text) {
		if (text.isEmpty() || text.length() > 18) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	private void noneInFlight() {
		if (this.draining) {
			checkDrained();
		}
	}

	void protocolError(Channel channel, ProtocolException ex) {
		this.stats.invalidFrame(ex.violation());
		if (shouldLog(this.lastProtocolWarning)) {
			logger.warn("Closing connection " + channel.remoteAddress() + ": protocol violation ("
					+ ex.violation().tag() + "): " + ex.getMessage());
		}
	}

	static boolean shouldLog(AtomicLong last) {
		long now = System.nanoTime();
		long previous = last.get();
		return now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now);
	}

	/**
	 * Account for a connection closed for sending PINGs too often.
	 */
	void pingAbuse(Channel channel, int strikes) {
		this.stats.connectionsPingAbuse.increment();
		if (shouldLog(this.lastPingWarning)) {
			logger.warn("Closing connection " + channel.remoteAddress() + ": " + strikes
					+ " PINGs came sooner than the minimum interval of "
					+ TimeUnit.NANOSECONDS.toMillis(this.minPingIntervalNanos) + " ms while it had nothing else to do");
		}
	}

	long minPingIntervalNanos() {
		return this.minPingIntervalNanos;
	}

	int maxPingStrikes() {
		return this.maxPingStrikes;
	}

	void idleClosed() {
		this.stats.connectionsIdleClosed.increment();
	}

	void connectionOpened(ServerConnection connection) {
		this.connections.put(connection.id(), connection);
	}

	void connectionClosed(ServerConnection connection) {
		this.connections.remove(connection.id());
		if (this.draining) {
			checkDrained();
		}
	}

	Collection<? extends Session> sessions() {
		return Collections.unmodifiableCollection(this.connections.values());
	}

	boolean isDraining() {
		return this.draining;
	}

	/**
	 * Start draining: requests are refused with 503 from now on, every connection gets
	 * GOAWAY and is closed once it has been idle for the linger time. Idempotent.
	 * @param lingerNanos how long a draining connection must have nothing in flight and
	 * receive nothing before it is closed, zero to leave closing to the peer or the
	 * caller
	 */
	void startDraining(long lingerNanos) {
		this.lingerNanos = lingerNanos;
		this.draining = true;
		for (ServerConnection connection : this.connections.values()) {
			connection.startDraining(lingerNanos);
		}
	}

	/**
	 * Take requests again after {@link #startDraining(long)}.
	 */
	void stopDraining() {
		this.draining = false;
		for (ServerConnection connection : this.connections.values()) {
			connection.stopDraining();
		}
	}

	/**
	 * Run the callback once, while draining, no request is in flight and no connection is
	 * open any more; it may run at once. The callback must tolerate running more than
	 * once.
	 */
	void whenDrained(Runnable onDrained) {
		this.onDrained = onDrained;
		checkDrained();
	}

	private void checkDrained() {
		Runnable onDrained = this.onDrained;
		if (onDrained != null && this.draining && this.inFlight.count() == 0 && this.connections.isEmpty()) {
			onDrained.run();
		}
	}

	long lingerNanos() {
		return this.lingerNanos;
	}

	Routes routes() {
		return this.routes;
	}

	int inFlight() {
		return this.inFlight.count();
	}

}
