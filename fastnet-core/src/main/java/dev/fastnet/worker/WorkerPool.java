package dev.fastnet.worker;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Bounded executors that run blocking handlers off the event loop: a fixed pool of
 * platform threads with a bounded queue, and, when the JVM has them, virtual threads
 * bounded by a concurrency limit. Submissions never block and never grow a queue without
 * bound: {@link #tryExecute} returns {@code false} when the work cannot be admitted.
 *
 * @since 0.1.0
 */
public final class WorkerPool implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(WorkerPool.class);

	private final WorkerPoolOptions options;

	/**
	 * How long an idle worker looks for work before it parks: none by default, because on
	 * small machines the cores a spinner takes are the event loops' (measured with the
	 * load benchmark on 2 cores: no gain at any load, more CPU per request).
	 */
	static final Duration SPIN = Duration.ZERO;

	private final PlatformWorkers platform;

	private final @Nullable ExecutorService virtual;

	private final Semaphore virtualPermits;

	private final AtomicInteger virtualActive = new AtomicInteger();

	private final LongAdder platformRejected = new LongAdder();

	private final LongAdder virtualRejected = new LongAdder();

	/**
	 * Create a pool; threads start lazily.
	 * @param options the sizing
	 */
	public WorkerPool(WorkerPoolOptions options) {
		this(options, SPIN);
	}

	WorkerPool(WorkerPoolOptions options, Duration spin) {
		this.options = options;
		// One spinner is enough to catch the next task of a busy event loop; more would
		// take
		// cores from the event loops on small machines
		this.platform = new PlatformWorkers(options.threads(), options.queueCapacity(), spin, 1,
				namedThreads(options.threadNamePrefix()));
		this.virtual = createVirtualExecutor(options.threadNamePrefix() + "virtual-");
		this.virtualPermits = new Semaphore(options.virtualConcurrency());
	}

	/**
	 * Return whether handlers can run on virtual threads in this JVM.
	 * @return {@code true} on Java 21 and later
	 */
	public boolean supportsVirtualThreads() {
		return this.virtual != null;
	}

	/**
	 * Run a task on a platform worker thread, or not at all when the queue is full.
	 * @param task the task
	 * @return whether the task was admitted
	 */
	public boolean tryExecute(Runnable task) {
		if (this.platform.tryExecute(task)) {
			return true;
		}
		this.platformRejected.increment();
		return false;
	}

	/**
	 * Admit a task to the platform workers without waking one: the caller hands over
	 * several tasks and then calls {@link #signal()} once.
	 * @param task the task
	 * @return whether the task was admitted
	 */
	public boolean tryEnqueue(Runnable task) {
		if (this.platform.tryEnqueue(task)) {
			return true;
		}
		this.platformRejected.increment();
		return false;
	}

	/**
	 * Make sure a platform worker looks at the tasks enqueued with {@link #tryEnqueue}.
	 */
	public void signal() {
		this.platform.signal();
	}

	/**
	 * Run a task on a virtual thread, or not at all when the concurrency limit is
	 * reached. Without virtual threads in this JVM the task goes to the platform pool.
	 * @param task the task
	 * @return whether the task was admitted
	 */
	public boolean tryExecuteVirtual(Runnable task) {
		ExecutorService virtual = this.virtual;
		if (virtual == null) {
			return tryExecute(task);
		}
		if (!this.virtualPermits.tryAcquire()) {
			this.virtualRejected.increment();
			return false;
		}
		try {
			virtual.execute(() -> {
				this.virtualActive.incrementAndGet();
				try {
					task.run();
				}
				finally {
					this.virtualActive.decrementAndGet();
					this.virtualPermits.release();
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.virtualPermits.release();
			this.virtualRejected.increment();
			return false;
		}
	}

	/**
	 * Return the sizing of this pool.
	 * @return the options
	 */
	public WorkerPoolOptions options() {
		return this.options;
	}

	/**
	 * Return the number of tasks waiting for a platform worker.
	 * @return the queue depth
	 */
	public int queueSize() {
		return this.platform.queueSize();
	}

	/**
	 * Return the number of platform workers running a task.
	 * @return the active count
	 */
	public int activeWorkers() {
		return this.platform.active();
	}

	/**
	 * Return the number of handlers running on virtual threads.
	 * @return the active count
	 */
	public int activeVirtual() {
		return this.virtualActive.get();
	}

	/**
	 * Return how many tasks the platform pool refused because its queue was full.
	 * @return the count
	 */
	public long platformRejected() {
		return this.platformRejected.sum();
	}

	/**
	 * Return how many tasks were refused because the virtual-thread limit was reached.
	 * @return the count
	 */
	public long virtualRejected() {
		return this.virtualRejected.sum();
	}

	/**
	 * Stop taking tasks, interrupt running ones and wait for the threads to end.
	 * @param timeout how long to wait
	 * @return the tasks that were queued and never run; the caller disposes of them
	 */
	public List<Runnable> shutdownNow(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		if (this.virtual != null) {
			this.virtual.shutdownNow();
		}
		List<Runnable> dropped = this.platform.shutdownNow(timeout);
		try {
			if (this.virtual != null) {
				this.virtual.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return dropped;
	}

	@Override
	public void close() {
		shutdownNow(Duration.ofSeconds(5));
	}

	private static ThreadFactory namedThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static @Nullable ExecutorService createVirtualExecutor(String prefix) {
		if (Runtime.version().feature() < 21) {
			return null;
		}
		// Compiled for Java 17: reach the Java 21 API through method handles, once
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Object builder = lookup
				.findStatic(Thread.class, "ofVirtual",
						MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")))
				.invoke();
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			MethodHandle name = lookup.findVirtual(builderType, "name",
					MethodType.methodType(builderType, String.class, long.class));
			builder = name.invoke(builder, prefix, 1L);
			ThreadFactory factory = (ThreadFactory) lookup
				.findVirtual(builderType, "factory", MethodType.methodType(ThreadFactory.class))
				.invoke(builder);
			return (ExecutorService) lookup
				.findStatic(java.util.concurrent.Executors.class, "newThreadPerTaskExecutor",
						MethodType.methodType(ExecutorService.class, ThreadFactory.class))
				.invoke(factory);
		}
		catch (Throwable ex) {
			logger.warn("Virtual threads are not available; VIRTUAL handlers run on the platform worker pool", ex);
			return null;
		}
	}

}
