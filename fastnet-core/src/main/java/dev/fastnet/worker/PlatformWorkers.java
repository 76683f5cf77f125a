package dev.fastnet.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A bounded pool of platform threads built for short hand-offs from event loops, where a
 * {@link java.util.concurrent.ThreadPoolExecutor} wakes a parked thread (a futex call on
 * the event loop, a context switch) for nearly every task and spreads tasks over all its
 * threads.
 * <p>
 * Tasks go through one lock-free array queue. Scheduling follows Go's: a worker that runs
 * out of work may spin briefly (at most {@code maxSpinners} at a time) so that a task
 * submitted meanwhile is taken without any wake-up; then it parks on a stack of idle
 * workers, and the most recently parked, whose caches are warmest, is woken first. A
 * submitter wakes a worker only when none is searching (spinning, or woken and not yet
 * past its first look) and no awake worker took a task within the last
 * {@value #STALL_NANOS} ns; a searcher that finds work while more is queued keeps a
 * second worker awake, and a monitor thread wakes one more whenever the queue has not
 * moved for that long. A batch of fast tasks thus costs one or two wake-ups, while slow,
 * blocking handlers spread over more workers one wake-up at a time. Threads start only
 * when a task finds no worker to take it, up to the limit.
 * <p>
 * Admission is exact: a task is refused once {@code threads + queueCapacity} tasks are
 * queued or running.
 */
final class PlatformWorkers {

	private static final Log logger = LogFactory.getLog(PlatformWorkers.class);

	/**
	 * Time after which workers that took no task count as stuck (in blocking handlers, or
	 * descheduled), so that a task still queued wakes another worker.
	 */
	static final long STALL_NANOS = 50_000;

	/**
	 * Longest time the monitor sleeps while workers are awake: the most a request can
	 * wait behind the only awake worker's blocking handler before another worker is
	 * woken.
	 */
	static final long MAX_MONITOR_INTERVAL_NANOS = 2_000_000;

	/** Time the monitor sleeps while no worker is awake. */
	static final long IDLE_MONITOR_INTERVAL_NANOS = 20_000_000;

	private final int maxThreads;

	private final int limit;

	private final long spinNanos;

	private final int maxSpinners;

	private final ThreadFactory threadFactory;

	private final Queue<Runnable> queue;

	/** Tasks admitted and not finished: queued plus running. */
	private final AtomicInteger outstanding = new AtomicInteger();

	private final AtomicInteger spinning = new AtomicInteger();

	/** Workers not parked: running a task, searching, or starting. */
	private final AtomicInteger awake = new AtomicInteger();

	/** When a worker last took a task; how the pool tells that its workers are stuck. */
	private volatile long lastTake = System.nanoTime();

	private final Object lock = new Object();

	/** Parked workers, most recently parked first; guarded by {@link #lock}. */
	private final ArrayDeque<Worker> idle = new ArrayDeque<>();

	/** Every worker started; guarded by {@link #lock}. */
	private final List<Worker> workers = new ArrayList<>();

	private volatile boolean shutdown;

	/** Started with the first worker; guarded by {@link #lock}. */
	private @Nullable Thread monitor;

	PlatformWorkers(int threads, int queueCapacity, Duration spin, int maxSpinners, ThreadFactory threadFactory) {
		this.maxThreads = threads;
		this.limit = threads + queueCapacity;
		this.spinNanos = spin.toNanos();
		this.maxSpinners = maxSpinners;
		this.threadFactory = threadFactory;
		// Never fills: admission stops at the limit first
		this.queue = PlatformDependent.newFixedMpmcQueue(Math.max(2, this.limit));
	}

	/**
	 * Admit a task, or refuse it when the pool is full or shut down.
	 */
	boolean tryExecute(Runnable task) {
		if (!tryEnqueue(task)) {
			return false;
		}
		signal();
		return true;
	}

	/**
	 * Admit a task without waking a worker; {@link #signal()} follows.
	 */
	boolean tryEnqueue(Runnable task) {
		if (this.shutdown) {
			return false;
		}
		if (this.outstanding.getAndIncrement() >= this.limit) {
			this.outstanding.decrementAndGet();
			return false;
		}
		if (!this.queue.offer(task)) {
			this.outstanding.decrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Make sure some worker will look at the queue: one that is searching (spinning, or
	 * woken and not yet past its first look) will; else wake the most recently parked
	 * one, which counts as searching from now on, so that signals meanwhile wake nobody
	 * more; else start one while under the limit. When every worker is busy, the first to
	 * finish will look.
	 */
	void signal() {
		if (this.spinning.get() > 0 || this.queue.isEmpty()) {
			return;
		}
		if (this.awake.get() > 0 && System.nanoTime() - this.lastTake < STALL_NANOS) {
			// Awake workers took a task moments ago: they come back to the queue soon,
			// and
			// waking another would cost more than waiting for them
			return;
		}
		wakeOne();
	}

	private void wakeOne() {
		Worker woken;
		boolean start = false;
		synchronized (this.lock) {
			woken = this.idle.pollFirst();
			if (woken != null) {
				woken.signalled = true;
				this.spinning.incrementAndGet();
				this.awake.incrementAndGet();
			}
			else if (this.workers.size() < this.maxThreads && !this.shutdown) {
				start = true;
			}
		}
		if (woken != null) {
			LockSupport.unpark(woken.thread);
		}
		else if (start) {
			startWorker();
		}
	}

	private void startWorker() {
		Worker worker = new Worker();
		Thread monitor = null;
		synchronized (this.lock) {
			if (this.shutdown || this.workers.size() >= this.maxThreads) {
				return;
			}
			if (this.monitor == null) {
				monitor = this.threadFactory.newThread(this::monitor);
				this.monitor = monitor;
			}
			this.workers.add(worker);
			// Starts as a searcher, as a woken worker does
			worker.searching = true;
			this.spinning.incrementAndGet();
			this.awake.incrementAndGet();
		}
		worker.thread.start();
		if (monitor != null) {
			monitor.start();
		}
	}

	/**
	 * Watch for workers stuck in blocking tasks while tasks wait, which no submission may
	 * come to notice, and wake one more worker each time. It looks again soon while it
	 * finds them stuck and backs off to {@value #MAX_MONITOR_INTERVAL_NANOS} ns
	 * otherwise, and to {@value #IDLE_MONITOR_INTERVAL_NANOS} ns while no worker is
	 * awake, so that a busy pool costs it about five hundred wake-ups a second and an
	 * idle one fifty.
	 */
	private void monitor() {
		long interval = STALL_NANOS;
		while (!this.shutdown) {
			// A pool with no worker awake needs no watching: the next submission wakes
			// one
			boolean idle = this.awake.get() == 0 && this.queue.isEmpty();
			LockSupport.parkNanos(this, idle ? IDLE_MONITOR_INTERVAL_NANOS : interval);
			if (!this.queue.isEmpty() && this.spinning.get() == 0 && System.nanoTime() - this.lastTake >= STALL_NANOS) {
				wakeOne();
				interval = STALL_NANOS;
			}
			else {
				interval = Math.min(interval * 2, MAX_MONITOR_INTERVAL_NANOS);
			}
		}
	}

	private void work(Worker self) {
		try {
			while (true) {
				Runnable task = this.queue.poll();
				if (task == null && !self.searching && this.spinNanos > 0 && this.spinning.get() < this.maxSpinners) {
					this.spinning.incrementAndGet();
					self.searching = true;
				}
				if (task == null && self.searching) {
					task = spin();
				}
				if (task == null) {
					if (self.searching) {
						self.searching = false;
						// A submitter that saw this worker searching woke nobody: the
						// queue is
						// checked again once this worker is on the idle stack
						this.spinning.decrementAndGet();
					}
					task = await(self);
					if (task == null) {
						if (this.shutdown) {
							return;
						}
						// Woken by a signal: search
						continue;
					}
				}
				this.lastTake = System.nanoTime();
				if (self.searching) {
					self.searching = false;
					if (this.spinning.decrementAndGet() == 0 && !this.queue.isEmpty() && this.awake.get() < 2) {
						// More is queued behind the task this worker is about to run,
						// which may
						// block: keep a second worker awake
						wakeOne();
					}
				}
				run(task);
			}
		}
		finally {
			synchronized (this.lock) {
				this.workers.remove(self);
				this.lock.notifyAll();
			}
		}
	}

	private void run(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("Worker task failed", ex);
		}
		finally {
			this.outstanding.decrementAndGet();
			if (!this.shutdown) {
				// An interrupt meant for this task must not reach the next one
				Thread.interrupted();
			}
		}
	}

	private @Nullable Runnable spin() {
		long deadline = System.nanoTime() + this.spinNanos;
		do {
			Runnable task = this.queue.poll();
			if (task != null) {
				return task;
			}
			Thread.onSpinWait();
		}
		while (System.nanoTime() - deadline < 0 && !this.shutdown);
		return null;
	}

	/**
	 * Park on the idle stack until there is a task or a signal.
	 * @return a task found without a signal, or {@code null} when signalled (the worker
	 * is then searching) or shut down
	 */
	private @Nullable Runnable await(Worker self) {
		synchronized (this.lock) {
			if (this.shutdown) {
				return null;
			}
			self.signalled = false;
			this.idle.addFirst(self);
			this.awake.decrementAndGet();
		}
		while (true) {
			if (self.signalled) {
				self.searching = true;
				return null;
			}
			Runnable task = this.queue.poll();
			if (task != null) {
				synchronized (this.lock) {
					if (self.signalled) {
						// Counted as searching and awake by the signal that popped it
						self.searching = true;
					}
					else {
						this.idle.remove(self);
						this.awake.incrementAndGet();
					}
				}
				return task;
			}
			if (this.shutdown) {
				return null;
			}
			LockSupport.park(this);
		}
	}

	int queueSize() {
		return this.queue.size();
	}

	int active() {
		return Math.max(0, this.outstanding.get() - this.queue.size());
	}

	/**
	 * Refuse new tasks, interrupt running ones and wait for the threads to end.
	 * @return the tasks that were queued and never run
	 */
	List<Runnable> shutdownNow(Duration timeout) {
		List<Worker> running;
		synchronized (this.lock) {
			this.shutdown = true;
			running = new ArrayList<>(this.workers);
			this.idle.clear();
		}
		List<Runnable> dropped = new ArrayList<>();
		Runnable task;
		while ((task = this.queue.poll()) != null) {
			this.outstanding.decrementAndGet();
			dropped.add(task);
		}
		for (Worker worker : running) {
			worker.thread.interrupt();
			LockSupport.unpark(worker.thread);
		}
		Thread monitor;
		synchronized (this.lock) {
			monitor = this.monitor;
		}
		if (monitor != null) {
			LockSupport.unpark(monitor);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			while (!this.workers.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		// A task admitted while the pool was shutting down found no worker
		while ((task = this.queue.poll()) != null) {
			this.outstanding.decrementAndGet();
			dropped.add(task);
		}
		return dropped;
	}

	private final class Worker implements Runnable {

		final Thread thread;

		/** Popped from the idle stack by a signal; written under the lock. */
		volatile boolean signalled;

		/** Counted in {@code spinning}; this worker's thread only. */
		boolean searching;

		Worker() {
			this.thread = PlatformWorkers.this.threadFactory.newThread(this);
		}

		@Override
		public void run() {
			work(this);
		}

	}

}
