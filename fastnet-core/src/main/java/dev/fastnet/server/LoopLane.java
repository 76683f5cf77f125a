package dev.fastnet.server;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.fastnet.worker.WorkerPool;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import org.jspecify.annotations.Nullable;

/**
 * What the dispatcher keeps per event loop, so that requests handed to other threads cost
 * the loop as few tasks, timers and wake-ups as possible:
 * <ul>
 * <li>answers completed on other threads are queued here and written by one task for all
 * of them, instead of one task (and possibly one wake-up) each;</li>
 * <li>requests waiting for their request timeout form one list in admission order, which
 * is deadline order because every request has the same timeout, watched by a single timer
 * instead of one scheduled task per request (and one more task to cancel it);</li>
 * <li>requests handed to the worker pool during one turn of the loop wake a worker once,
 * at the end of the turn.</li>
 * </ul>
 * Everything but the completion queue is touched only on the loop.
 */
final class LoopLane implements Runnable {

	private static final AtomicIntegerFieldUpdater<LoopLane> DRAIN_SCHEDULED = AtomicIntegerFieldUpdater
		.newUpdater(LoopLane.class, "drainScheduled");

	private final EventLoop loop;

	private final WorkerPool workers;

	private final Queue<InboundRequest> completed = PlatformDependent.newMpscQueue();

	private volatile int drainScheduled;

	private @Nullable InboundRequest oldest;

	private @Nullable InboundRequest newest;

	private boolean timerScheduled;

	private boolean signalScheduled;

	private final Runnable expireTask = this::expire;

	private final Runnable signalTask = this::signalWorkers;

	LoopLane(EventLoop loop, WorkerPool workers) {
		this.loop = loop;
		this.workers = workers;
	}

	EventLoop loop() {
		return this.loop;
	}

	/**
	 * Queue a request answered on another thread; its connection writes the answer on the
	 * loop. Any thread.
	 */
	void complete(InboundRequest request) {
		this.completed.offer(request);
		if (this.drainScheduled == 0 && DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
			try {
				this.loop.execute(this);
			}
			catch (RejectedExecutionException ex) {
				// The loop is gone: nobody can be answered any more
				synchronized (this) {
					InboundRequest dead;
					while ((dead = this.completed.poll()) != null) {
						dead.connectionGone();
					}
					// Whoever queues next tries the loop again and, refused, drains again
					this.drainScheduled = 0;
				}
			}
		}
	}

	/**
	 * Write every queued answer.
	 */
	@Override
	public void run() {
		// Cleared first: an answer queued after the last poll below schedules the next
		// run
		this.drainScheduled = 0;
		InboundRequest request;
		while ((request = this.completed.poll()) != null) {
			request.deliver();
		}
	}

	/**
	 * Watch a request for its request timeout. Loop only.
	 */
	void track(InboundRequest request, long deadlineNanos) {
		request.timeoutAt = deadlineNanos;
		request.tracked = true;
		InboundRequest newest = this.newest;
		request.older = newest;
		request.newer = null;
		if (newest != null) {
			newest.newer = request;
		}
		else {
			this.oldest = request;
		}
		this.newest = request;
		if (!this.timerScheduled) {
			this.timerScheduled = true;
			this.loop.schedule(this.expireTask, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Stop watching a request. Loop only.
	 */
	void untrack(InboundRequest request) {
		if (!request.tracked) {
			return;
		}
		request.tracked = false;
		InboundRequest older = request.older;
		InboundRequest newer = request.newer;
		if (older != null) {
			older.newer = newer;
		}
		else {
			this.oldest = newer;
		}
		if (newer != null) {
			newer.older = older;
		}
		else {
			this.newest = older;
		}
		request.older = null;
		request.newer = null;
	}

	private void expire() {
		long now = System.nanoTime();
		InboundRequest oldest;
		while ((oldest = this.oldest) != null && oldest.timeoutAt - now <= 0) {
			untrack(oldest);
			oldest.onTimeout();
		}
		if (oldest != null) {
			this.loop.schedule(this.expireTask, oldest.timeoutAt - now, TimeUnit.NANOSECONDS);
		}
		else {
			this.timerScheduled = false;
		}
	}

	/**
	 * Hand a request to the platform workers; a worker is woken at the end of this turn
	 * of the loop, once for everything handed over during it. Loop only.
	 * @return whether the pool admitted the request
	 */
	boolean handToWorkers(InboundRequest request) {
		if (!this.workers.tryEnqueue(request)) {
			return false;
		}
		if (!this.signalScheduled) {
			this.signalScheduled = true;
			try {
				this.loop.execute(this.signalTask);
			}
			catch (RejectedExecutionException ex) {
				signalWorkers();
			}
		}
		return true;
	}

	private void signalWorkers() {
		this.signalScheduled = false;
		this.workers.signal();
	}

}
