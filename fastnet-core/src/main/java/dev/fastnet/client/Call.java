package dev.fastnet.client;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One call of a client (request, one-way message or ping) on its way to a connection: it
 * is dispatched to an endpoint's pool, possibly waits there, and is then written on the
 * event loop of the connection that granted it a slot.
 * <p>
 * Ownership: a call is touched by one thread at a time. The caller's thread owns it until
 * it is queued; a queued ({@code WAITING}) call is owned by whoever wins the state change
 * out of {@code WAITING}; an assigned call belongs to its connection's event loop. The
 * slot a call holds on its connection is released exactly once, by the connection.
 */
abstract class Call implements Runnable {

	static final int NEW = 0;

	static final int WAITING = 1;

	static final int ASSIGNED = 2;

	static final int DONE = 3;

	private static final AtomicIntegerFieldUpdater<Call> STATE = AtomicIntegerFieldUpdater.newUpdater(Call.class,
			"state");

	/** A call moved between pools more often than this fails: nothing can take it. */
	private static final int MAX_DISPATCHES = 16;

	final ClientEngine engine;

	final String route;

	final long startNanos;

	final long timeoutNanos;

	final long deadlineNanos;

	private volatile int state;

	/** What the metrics recorder returned when the call started; set before dispatch. */
	@Nullable Object observation;

	private @Nullable EndpointPool pool;

	private @Nullable ClientConnection connection;

	private @Nullable ScheduledFuture<?> acquireTimer;

	private long acquireStartNanos;

	private int dispatches;

	Call(ClientEngine engine, String route, long timeoutNanos) {
		this.engine = engine;
		this.route = route;
		this.startNanos = System.nanoTime();
		this.timeoutNanos = timeoutNanos;
		this.deadlineNanos = this.startNanos + timeoutNanos;
	}

	/**
	 * Write the call on its connection, which is usable. Event loop only; the
	 * connection's slot is held and the call must release it once done.
	 */
	abstract void writeTo(ClientConnection connection);

	/**
	 * Fail the call. The caller owns the call; if it held a slot the caller released it.
	 */
	abstract void fail(Throwable failure);

	/**
	 * Return the metrics status of a failure.
	 */
	static int statusOf(Throwable failure) {
		if (failure instanceof FastnetTimeoutException) {
			return 408;
		}
		if (failure instanceof FastnetRemoteException remote) {
			return remote.status();
		}
		return 503;
	}

	/**
	 * Count a finished call on its endpoint and report it to the metrics recorder.
	 * @param status {@link FastnetMetricsRecorder#STATUS_OK}, a one-way status, or a
	 * failure's status
	 * @param failure the failure, {@code null} on success
	 */
	void record(int status, @Nullable Throwable failure) {
		EndpointPool pool = this.pool;
		if (pool == null) {
			this.engine.rejected.increment();
		}
		else if (failure == null) {
			pool.requestsOk.increment();
		}
		else if (failure instanceof FastnetTimeoutException) {
			pool.requestsTimedOut.increment();
		}
		else {
			pool.requestsFailed.increment();
		}
		FastnetMetricsRecorder recorder = this.engine.recorder;
		if (recorder != FastnetMetricsRecorder.NONE) {
			recorder.clientRequest(this.observation, this.route, status, System.nanoTime() - this.startNanos);
		}
	}

	/**
	 * Return a timeout failure for this call.
	 */
	FastnetTimeoutException timeoutFailure(String what) {
		return new FastnetTimeoutException(what + " '" + this.route + "' timed out after "
				+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms");
	}

	// Dispatching

	/**
	 * Count a dispatch to a pool.
	 * @return {@code false} when the call was dispatched too often and must fail
	 */
	boolean dispatched(EndpointPool pool) {
		this.pool = pool;
		// Ordered store: only a thread that later claims the call from a queue reads the
		// state,
		// and queueing publishes it with a full fence
		STATE.lazySet(this, NEW);
		this.connection = null;
		return ++this.dispatches <= MAX_DISPATCHES;
	}

	/**
	 * Return whether the call was dispatched before, to another pool or after a resend.
	 */
	boolean redispatched() {
		return this.dispatches > 0;
	}

	@Nullable EndpointPool pool() {
		return this.pool;
	}

	/**
	 * Hand the call to a connection that reserved a slot for it; the call is written on
	 * the connection's event loop. Called by the owner of the call.
	 */
	void assign(EndpointPool pool, ClientConnection connection) {
		long waitedSince = this.acquireStartNanos;
		if (waitedSince != 0) {
			// Only a call that waited in a pool's queue is timed: the others took a free
			// slot at once
			this.acquireStartNanos = 0;
			pool.acquireNanos.add(System.nanoTime() - waitedSince);
		}
		pool.acquireCount.increment();
		this.connection = connection;
		STATE.lazySet(this, ASSIGNED);
		if (connection.inEventLoop()) {
			run();
			return;
		}
		try {
			connection.executor().execute(this);
		}
		catch (RejectedExecutionException ex) {
			connection.release(false);
			fail(this.engine.closedFailure());
		}
	}

	@Override
	public final void run() {
		ClientConnection connection = this.connection;
		if (connection != null) {
			connection.send(this);
		}
	}

	// Waiting in a pool

	/**
	 * Queue the call in a pool: from now on whoever changes its state owns it.
	 * @param pool the pool
	 * @param waitNanos the acquire timeout
	 */
	void waitIn(EndpointPool pool, long waitNanos) {
		this.state = WAITING;
		long now = System.nanoTime();
		if (this.acquireStartNanos == 0) {
			this.acquireStartNanos = now | 1;
		}
		long untilDeadline = this.deadlineNanos - now;
		this.acquireTimer = pool.loop.schedule(this::acquireTimedOut, Math.min(waitNanos, Math.max(0, untilDeadline)),
				TimeUnit.NANOSECONDS);
	}

	boolean isWaiting() {
		return this.state == WAITING;
	}

	/**
	 * Take a waiting call out of the queue.
	 * @return {@code true} when the caller now owns the call
	 */
	boolean claim() {
		if (STATE.compareAndSet(this, WAITING, NEW)) {
			ScheduledFuture<?> timer = this.acquireTimer;
			if (timer != null) {
				timer.cancel(false);
			}
			return true;
		}
		return false;
	}

	private void acquireTimedOut() {
		EndpointPool pool = this.pool;
		if (pool == null || !claim()) {
			return;
		}
		pool.leftQueue();
		if (System.nanoTime() - this.deadlineNanos >= 0) {
			fail(timeoutFailure("Request"));
		}
		else {
			fail(new PendingAcquireTimeoutException("Acquire of a connection to " + pool.label()
					+ " has been pending for more than the configured timeout of "
					+ pool.options().acquireTimeout().toMillis() + "ms"));
		}
	}

}
