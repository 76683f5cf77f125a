package dev.fastnet.worker;

/**
 * Immutable sizing of a {@link WorkerPool}.
 *
 * @param threads number of platform worker threads, at least 1
 * @param queueCapacity tasks that may wait for a worker, at least 0; a full queue rejects
 * @param virtualConcurrency most handlers running at once on virtual threads, at least 1
 * @param threadNamePrefix prefix of worker thread names
 * @since 0.1.0
 */
public record WorkerPoolOptions(int threads, int queueCapacity, int virtualConcurrency, String threadNamePrefix) {

	/**
	 * Default number of worker threads: 64, enough for blocking handlers on a small
	 * machine.
	 */
	public static final int DEFAULT_THREADS = 64;

	/** Default queue capacity: 1024. */
	public static final int DEFAULT_QUEUE_CAPACITY = 1024;

	/** Default concurrency limit of virtual-thread handlers: 10000. */
	public static final int DEFAULT_VIRTUAL_CONCURRENCY = 10_000;

	/**
	 * Validate the options.
	 */
	public WorkerPoolOptions {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1: " + threads);
		}
		if (queueCapacity < 0) {
			throw new IllegalArgumentException("queueCapacity must be at least 0: " + queueCapacity);
		}
		if (virtualConcurrency < 1) {
			throw new IllegalArgumentException("virtualConcurrency must be at least 1: " + virtualConcurrency);
		}
		java.util.Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
	}

	/**
	 * Return the defaults.
	 * @return the default options
	 */
	public static WorkerPoolOptions defaults() {
		return new WorkerPoolOptions(DEFAULT_THREADS, DEFAULT_QUEUE_CAPACITY, DEFAULT_VIRTUAL_CONCURRENCY,
				"fastnet-worker-");
	}

}
