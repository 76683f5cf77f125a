package dev.fastnet.reliability;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.PoolOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A well-behaved {@link FastnetClient} that calls the server's echo route every 2 ms on
 * one connection while a scenario runs, so that the damage a fault does to bystanders is
 * measured: every failure, and the latency of each call before and during the fault.
 */
final class GoodClient implements AutoCloseable {

	static final Duration PERIOD = Duration.ofMillis(2);

	// Far above what 2 ms pacing keeps outstanding on loopback: reached only if the
	// server stalls
	private static final int MAX_OUTSTANDING = 256;

	private final FastnetClient client;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "good-client");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger outstanding = new AtomicInteger();

	private final LongAdder requests = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder skipped = new LongAdder();

	private final List<String> failureSamples = new CopyOnWriteArrayList<>();

	private volatile Window window = new Window();

	/** Latencies before the scenario's fault. */
	private Window baseline = this.window;

	/** Latencies from the fault on. */
	private Window during = this.window;

	private GoodClient(InetSocketAddress endpoint) {
		this.client = FastnetClient.create(ClientConfig.builder()
			.endpoint(endpoint)
			.name("good")
			.ioThreads(1)
			.requestTimeout(Duration.ofSeconds(10))
			.pool(PoolOptions.builder().maxConnections(1).build())
			.build());
	}

	static GoodClient start(InetSocketAddress endpoint) {
		GoodClient good = new GoodClient(endpoint);
		// The first call opens the connection; a scenario starts with it open
		good.client.requestBlocking(GuardedScenarioSupport.ECHO, "warm-up".getBytes(StandardCharsets.UTF_8));
		good.scheduler.scheduleAtFixedRate(good::call, 0, PERIOD.toNanos(), TimeUnit.NANOSECONDS);
		// Latencies of the first calls measure the JIT compiler rather than the server
		good.window().awaitCalls(250);
		good.baseline = good.window().awaitCalls(200);
		good.during = good.window();
		return good;
	}

	private void call() {
		if (this.outstanding.get() >= MAX_OUTSTANDING) {
			this.skipped.increment();
			return;
		}
		this.outstanding.incrementAndGet();
		this.requests.increment();
		Window window = this.window;
		byte[] payload = Long.toString(System.nanoTime()).getBytes(StandardCharsets.UTF_8);
		long start = System.nanoTime();
		this.client.request(GuardedScenarioSupport.ECHO, payload).whenComplete((reply, ex) -> {
			long latency = System.nanoTime() - start;
			if (ex != null) {
				failed(ex.toString());
			}
			else if (!Arrays.equals(reply.payload(), payload)) {
				failed("Wrong answer: " + reply.payloadString());
			}
			else {
				window.record(latency);
			}
			this.outstanding.decrementAndGet();
		});
	}

	private void failed(String failure) {
		this.failures.increment();
		if (this.failureSamples.size() < 5) {
			this.failureSamples.add(failure);
		}
	}

	/**
	 * Start a new measurement window: from now on, latencies of successful calls are
	 * recorded in it alone.
	 */
	private Window window() {
		Window window = new Window();
		this.window = window;
		return window;
	}

	/**
	 * Wait until the good client has made the given number of successful calls since it
	 * was started, which is when a scenario's fault begins.
	 */
	void awaitCallsDuringFault(int calls) {
		this.during.awaitCalls(calls);
	}

	/**
	 * Record the good client's figures: calls made, failures, and its p99 latency before
	 * and during the fault.
	 */
	void report(ScenarioFigures figures) {
		long baselineP99 = this.baseline.p99Micros();
		long duringP99 = this.during.p99Micros();
		figures.put("goodClientRequests", this.requests.sum())
			.put("goodClientErrors", this.failures.sum())
			.put("goodClientCallsSkippedWhileStalled", this.skipped.sum())
			.put("goodClientP99BaselineMicros", baselineP99)
			.put("goodClientP99DuringMicros", duringP99)
			.put("goodClientP99ChangePercent",
					(baselineP99 > 0) ? Math.round((duringP99 - baselineP99) * 100.0 / baselineP99) : 0);
	}

	void assertNoFailures() {
		assertThat(this.failures.sum()).as("good client failures: %s", this.failureSamples).isZero();
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.outstanding.get() == 0);
		this.client.close(Duration.ofSeconds(1));
	}

	/**
	 * Latencies of the successful calls made while this window was the current one.
	 */
	static final class Window {

		private long[] latencies = new long[1024];

		private int count;

		synchronized void record(long nanos) {
			if (this.count == this.latencies.length) {
				this.latencies = Arrays.copyOf(this.latencies, this.count * 2);
			}
			this.latencies[this.count++] = nanos;
		}

		synchronized int count() {
			return this.count;
		}

		/**
		 * Wait until this window holds the given number of successful calls.
		 */
		Window awaitCalls(int calls) {
			// Twice the time the calls take at the good client's pace, and never less
			// than 30 s
			Duration atMost = Duration.ofSeconds(30).plus(PERIOD.multipliedBy(2L * calls));
			await().atMost(atMost).until(() -> count() >= calls);
			return this;
		}

		synchronized long p99Micros() {
			long[] latencies = Arrays.copyOf(this.latencies, this.count);
			return TimeUnit.NANOSECONDS.toMicros(GuardedScenarioSupport.percentile(latencies, 99));
		}

	}

}
