package dev.fastnet.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import dev.fastnet.Status;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.client.FastnetTimeoutException;
import dev.fastnet.client.PoolOptions;
import dev.fastnet.client.Reply;
import dev.fastnet.metrics.FastnetMeters;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.worker.WorkerPoolOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability scenarios of handlers that fail, hang or cannot be run: exceptions, request
 * timeouts, deadlines that pass in the queue, and a full worker queue.
 */
@ExtendWith(OutputCaptureExtension.class)
class HandlerFaultScenarios extends GuardedScenarioSupport {

	private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

	@Scenario(id = "S09", promise = "A handler that throws is answered ERROR 500 with the exception's message and "
			+ "no stack trace, its connection stays open for the next requests, and the failure is logged at WARN "
			+ "at most once a second")
	void handlerExceptionsAreAnswered500AndConnectionsStayOpen(ScenarioFigures figures, CapturedOutput output)
			throws Exception {
		StatusCounter recorder = new StatusCounter();
		FastnetServer server = startServer(routesWithEcho().route("work", (request) -> {
			int n = Integer.parseInt(request.payloadString());
			if (n % 10 == 0) {
				throw new IllegalStateException("boom");
			}
			return request.payloadString();
		}).build(), (config) -> {
		}, (builder) -> builder.metricsRecorder(recorder));
		int connections = 8;
		FastnetClient client = startClient(server, (config) -> config
			.pool(PoolOptions.builder().minIdle(connections).maxConnections(connections).build()));
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessions().size() == connections);
		int requests = 10_000;
		LongAdder ok = new LongAdder();
		LongAdder boom = new LongAdder();
		Semaphore inFlight = new Semaphore(256);
		long start = System.nanoTime();
		for (int n = 1; n <= requests; n++) {
			inFlight.acquire();
			String sent = Integer.toString(n);
			client.request("work", sent.getBytes(StandardCharsets.UTF_8)).whenComplete((reply, ex) -> {
				if (ex == null && reply.payloadString().equals(sent)) {
					ok.increment();
				}
				else if (ex != null && failure(ex) instanceof FastnetRemoteException remote && remote.status() == 500
						&& "boom".equals(remote.getMessage())) {
					boom.increment();
				}
				else {
					this.unexpected.add((ex != null) ? ex : new AssertionError("Wrong answer " + reply));
				}
				inFlight.release();
			});
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> ok.sum() + boom.sum() + this.unexpected.size() == requests);
		long elapsedSeconds = (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + 999) / 1000;
		long warnLines = output.getAll()
			.lines()
			.filter((line) -> line.contains("Handler of route 'work' failed"))
			.count();
		long stackLines = output.getAll().lines().filter((line) -> line.startsWith("\tat ")).count();
		figures.put("requests", requests)
			.put("connections", connections)
			.put("answered500Boom", boom.sum())
			.put("answeredOk", ok.sum())
			.put("otherOutcomes", this.unexpected.size())
			.put("requestsMeterStatus500", recorder.count("work", "500"))
			.put("requestsMeterStatusOk", recorder.count("work", "OK"))
			.put("connectionsOpenedByServer", server.stats().connectionsAccepted())
			.put("connectionsClosed", connections - server.sessions().size())
			.put("warnLinesLogged", warnLines)
			.put("stackTraceLinesLogged", stackLines)
			.put("elapsedSeconds", elapsedSeconds);
		assertThat(this.unexpected).isEmpty();
		assertThat(boom.sum()).isEqualTo(1000);
		assertThat(ok.sum()).isEqualTo(9000);
		assertThat(recorder.count("work", "500")).isEqualTo(1000);
		assertThat(server.stats().errors(Status.INTERNAL)).isEqualTo(1000);
		assertThat(server.sessions()).hasSize(connections);
		assertThat(server.stats().connectionsAccepted()).isEqualTo(connections);
		assertThat(warnLines).isBetween(1L, elapsedSeconds + 1);
		assertThat(stackLines).isZero();
	}

	@Test
	void rareHandlerFailureIsLoggedAlthoughAFrequentOneWasLoggedJustBefore(CapturedOutput output) throws Exception {
		FastnetServer server = startServer(routesWithEcho().route("fail", (request) -> {
			if (request.payloadString().equals("rare")) {
				throw new IllegalArgumentException("rare");
			}
			throw new IllegalStateException("frequent");
		}).build(), (config) -> {
		});
		FastnetClient client = startClient(server, (config) -> {
		});
		// Well within the second in which only one line is logged per kind of failure
		for (String payload : List.of("frequent", "frequent", "rare", "frequent")) {
			assertThat(client.request("fail", payload.getBytes(StandardCharsets.UTF_8)))
				.failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOfSatisfying(FastnetRemoteException.class,
						(remote) -> assertThat(remote.getMessage()).isEqualTo(payload));
		}
		List<String> warnings = output.getAll()
			.lines()
			.filter((line) -> line.contains("Handler of route 'fail' failed"))
			.toList();
		assertThat(warnings).filteredOn((line) -> line.endsWith("java.lang.IllegalStateException: frequent"))
			.isNotEmpty();
		assertThat(warnings).filteredOn((line) -> line.endsWith("java.lang.IllegalArgumentException: rare")).hasSize(1);
	}

	@Scenario(id = "S10", promise = "A handler that hangs past the request timeout is answered ERROR 408 and its "
			+ "worker interrupted, while requests beside it are unaffected and nothing is left pending")
	void hungHandlersAreAnswered408AndInterrupted(ScenarioFigures figures) throws Exception {
		Duration requestTimeout = Duration.ofMillis(500);
		CountDownLatch never = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		StatusCounter recorder = new StatusCounter();
		FastnetServer server = startServer(routesWithEcho().route("hang", (request) -> {
			started.incrementAndGet();
			try {
				never.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw ex;
			}
			return "never";
		}).route("work", (request) -> request.payloadString()).build(),
				(config) -> config.requestTimeout(requestTimeout)
					.workers(new WorkerPoolOptions(64, 1024, 100, "fastnet-worker-")),
				(builder) -> builder.metricsRecorder(recorder));
		FastnetClient client = startClient(server, (config) -> {
		});
		client.requestBlocking("work", new byte[0]);
		int hung = 50;
		int normal = 1000;
		long[] hangNanos = new long[hung];
		List<CompletableFuture<Reply>> hangs = timedCalls(hangNanos, () -> client.request("hang", new byte[0]));
		LongAdder normalOk = new LongAdder();
		Semaphore inFlight = new Semaphore(64);
		for (int i = 0; i < normal; i++) {
			inFlight.acquire();
			client.request("work", "n".getBytes(StandardCharsets.UTF_8)).whenComplete((reply, ex) -> {
				if (ex == null) {
					normalOk.increment();
				}
				else {
					this.unexpected.add(ex);
				}
				inFlight.release();
			});
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> hangs.stream().allMatch(CompletableFuture::isDone)
					&& normalOk.sum() + this.unexpected.size() == normal);
		int answered408 = 0;
		for (CompletableFuture<Reply> hang : hangs) {
			Throwable failure = hang.handle((reply, ex) -> ex).join();
			if (failure != null && failure(failure) instanceof FastnetRemoteException remote
					&& remote.status() == Status.TIMEOUT.code()) {
				answered408++;
			}
		}
		// A request still queued when its time is up is answered 408 and never run: only
		// those that
		// started have a worker to interrupt
		await().atMost(Duration.ofSeconds(10))
			.until(() -> interrupted.get() == started.get() && server.stats().workersActive() == 0
					&& server.inFlight() == 0);
		figures.put("requestTimeoutMillis", requestTimeout.toMillis())
			.put("hungRequests", hung)
			.put("answered408", answered408)
			.put("latency408MinMillis", millis(percentile(hangNanos, 0)))
			.put("latency408MaxMillis", millis(percentile(hangNanos, 100)))
			.put("serverTime408MinMillis", millis(recorder.durationRange("hang", "408")[0]))
			.put("serverTime408MaxMillis", millis(recorder.durationRange("hang", "408")[1]))
			.put("normalRequests", normal)
			.put("normalRequestErrors", this.unexpected.size())
			.put("hungHandlersStarted", started.get())
			.put("workersInterrupted", interrupted.get())
			.put("workersBusyAfter", server.stats().workersActive())
			.put("serverPendingAfter", server.inFlight())
			.put("clientPendingAfter", client.stats().inFlight());
		assertThat(answered408).isEqualTo(hung);
		assertThat(recorder.count("hang", "408")).isEqualTo(hung);
		assertThat(Duration.ofNanos(percentile(hangNanos, 0))).isGreaterThanOrEqualTo(requestTimeout);
		// The server's timeout answered, far sooner than the client's own 30 s; the slack
		// is for a loaded machine
		assertThat(Duration.ofNanos(percentile(hangNanos, 100))).isLessThan(requestTimeout.plusSeconds(5));
		assertThat(this.unexpected).isEmpty();
		assertThat(client.stats().inFlight()).isZero();
	}

	@Scenario(id = "S11", promise = "A request whose timeout-ms budget passes while it waits for a worker is "
			+ "never handled, its caller fails locally on time without waiting for the server, and a call with no "
			+ "budget left fails before anything is written")
	void expiredRequestsAreNeverHandled(ScenarioFigures figures) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger expiredInvocations = new AtomicInteger();
		StatusCounter recorder = new StatusCounter();
		FastnetServer server = startServer(routesWithEcho().route("busy", (request) -> {
			release.await(30, TimeUnit.SECONDS);
			return "done";
		}).route("work", (request) -> {
			expiredInvocations.incrementAndGet();
			return "ran";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(2, 64, 100, "fastnet-worker-")),
				(builder) -> builder.metricsRecorder(recorder));
		// One connection: an answer on it shows that every request written before was
		// received
		FastnetClient client = startClient(server,
				(config) -> config.pool(PoolOptions.builder().maxConnections(1).build()));
		client.requestBlocking(ECHO, new byte[0]);
		List<CompletableFuture<Reply>> busy = List.of(client.request("busy", new byte[0]),
				client.request("busy", new byte[0]));
		await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().workersActive() == 2);
		Duration budget = Duration.ofMillis(20);
		int expiring = 20;
		long[] timeoutNanos = new long[expiring];
		List<CompletableFuture<Reply>> calls = timedCalls(timeoutNanos,
				() -> client.request("work", Map.of(), new byte[0], budget));
		// Every worker is held until all callers gave up: none of them can have heard
		// from the server
		await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		long timedOutLocally = calls.stream()
			.filter((call) -> call.handle((reply, ex) -> ex != null && failure(ex) instanceof FastnetTimeoutException)
				.join())
			.count();
		client.requestBlocking(ECHO, new byte[0]);
		// A call whose budget ran out before the client could write it never reaches the
		// server
		long received = recorder.received("work");
		release.countDown();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> recorder.count("work", "504") == received && server.inFlight() == 0);
		assertThat(CompletableFuture.allOf(busy.toArray(new CompletableFuture<?>[0])))
			.succeedsWithin(Duration.ofSeconds(5));
		long bytesBefore = server.stats().bytesRead();
		int withoutBudget = 0;
		for (Duration none : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
			CompletableFuture<Reply> call = client.request("work", Map.of(), new byte[0], none);
			withoutBudget += (call.isCompletedExceptionally()) ? 1 : 0;
		}
		byte[] after = "after".getBytes(StandardCharsets.UTF_8);
		client.requestBlocking(ECHO, after);
		long echoFrameBytes = 4 + 8 + ECHO.length() + after.length;
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().bytesRead() >= bytesBefore + echoFrameBytes);
		long bytesForCallsWithoutBudget = server.stats().bytesRead() - bytesBefore - echoFrameBytes;
		figures.put("budgetMillis", budget.toMillis())
			.put("expiringCalls", expiring)
			.put("timedOutLocally", timedOutLocally)
			.put("expiredBeforeWritten", expiring - received)
			.put("clientTimeoutP99Millis", millis(percentile(timeoutNanos.clone(), 99)))
			.put("clientTimeoutMinMillis", millis(percentile(timeoutNanos.clone(), 0)))
			.put("answered504", server.stats().errors(Status.DEADLINE_EXPIRED))
			.put("handlerInvocationsForExpired", expiredInvocations.get())
			.put("callsWithoutBudgetFailedAtOnce", withoutBudget)
			.put("bytesWrittenForCallsWithoutBudget", bytesForCallsWithoutBudget);
		assertThat(timedOutLocally).isEqualTo(expiring);
		assertThat(received).isLessThanOrEqualTo(expiring);
		assertThat(expiredInvocations.get()).isZero();
		assertThat(Duration.ofNanos(percentile(timeoutNanos.clone(), 0))).isGreaterThanOrEqualTo(budget);
		assertThat(Duration.ofNanos(percentile(timeoutNanos.clone(), 99))).isLessThan(budget.plusSeconds(5));
		assertThat(withoutBudget).isEqualTo(2);
		assertThat(bytesForCallsWithoutBudget).isZero();
	}

	@Scenario(id = "S12", promise = "With every worker busy and the queue full, further requests are answered "
			+ "ERROR 503 at once instead of waiting, and everything succeeds again once the load drops")
	void fullWorkerQueueAnswers503AtOnce(ScenarioFigures figures) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger invocations = new AtomicInteger();
		FastnetServer server = startServer(routesWithEcho().route("slow", (request) -> {
			invocations.incrementAndGet();
			release.await(30, TimeUnit.SECONDS);
			return "ok";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(2, 4, 100, "fastnet-worker-")));
		FastnetClient client = startClient(server,
				(config) -> config.pool(PoolOptions.builder().maxConnections(1).maxInFlightPerConnection(256).build()));
		client.requestBlocking(ECHO, new byte[0]);
		AtomicInteger queueHighWater = new AtomicInteger();
		this.scheduler.scheduleAtFixedRate(
				() -> queueHighWater.accumulateAndGet(server.stats().workerQueueSize(), Math::max), 0, 1,
				TimeUnit.MILLISECONDS);
		int concurrent = 50;
		long[] latencies = new long[concurrent];
		List<CompletableFuture<Reply>> calls = timedCalls(latencies, () -> client.request("slow", new byte[0]));
		// Every handler admitted is still held: the 503s came without waiting for a
		// worker
		await().atMost(Duration.ofSeconds(10)).until(() -> refusedAtOnce(calls).count() == concurrent - 6);
		long[] refusals = refusedAtOnce(calls).mapToLong((index) -> latencies[index]).toArray();
		// Admission counts queued and running tasks together; the queue holds all six
		// until the two
		// workers have taken theirs
		await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().workersActive() == 2);
		int queueSettled = server.stats().workerQueueSize();
		int admittedWhileHeld = invocations.get() + queueSettled;
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		long succeeded = calls.stream().filter((call) -> !call.isCompletedExceptionally()).count();
		int after = 20;
		int succeededAfter = 0;
		for (int i = 0; i < after; i++) {
			succeededAfter += "ok".equals(client.requestBlocking("slow", new byte[0]).payloadString()) ? 1 : 0;
		}
		figures.put("workers", 2)
			.put("queueCapacity", 4)
			.put("concurrentRequests", concurrent)
			.put("admitted", admittedWhileHeld)
			.put("answered503", refusals.length)
			.put("succeededUnderLoad", succeeded)
			.put("latency503P99Millis", millis(percentile(refusals.clone(), 99)))
			.put("latency503MaxMillis", millis(percentile(refusals.clone(), 100)))
			.put("postLoadSuccessPercent", succeededAfter * 100 / after)
			.put("workerQueueHighWater", queueHighWater.get())
			.put("workerQueueOnceWorkersBusy", queueSettled)
			.put("workerRejectedCount", server.stats().workerRejected());
		assertThat(admittedWhileHeld).isEqualTo(6);
		assertThat(refusals).hasSize(44);
		assertThat(succeeded).isEqualTo(6);
		assertThat(server.stats().workerRejected()).isEqualTo(44);
		assertThat(Duration.ofNanos(percentile(refusals.clone(), 99))).isLessThan(Duration.ofSeconds(5));
		assertThat(succeededAfter).isEqualTo(after);
		assertThat(queueSettled).isEqualTo(4);
		assertThat(queueHighWater.get()).isLessThanOrEqualTo(2 + 4);
	}

	/**
	 * Return the indexes of the calls answered 503 so far.
	 */
	private static IntStream refusedAtOnce(List<CompletableFuture<Reply>> calls) {
		return IntStream.range(0, calls.size())
			.filter((index) -> calls.get(index)
				.handle((reply, ex) -> ex != null && failure(ex) instanceof FastnetRemoteException remote
						&& remote.status() == Status.UNAVAILABLE.code())
				.getNow(false));
	}

	/**
	 * Counts the server's per-request measurements by route and status tag, as the
	 * {@code fastnet.server.requests} timer is tagged.
	 */
	static final class StatusCounter implements FastnetMetricsRecorder {

		private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

		private final Map<String, LongAdder> received = new ConcurrentHashMap<>();

		private final Map<String, LongAccumulator> longest = new ConcurrentHashMap<>();

		private final Map<String, LongAccumulator> shortest = new ConcurrentHashMap<>();

		@Override
		public @Nullable Object serverRequestStarted(String route, Map<String, String> headers) {
			this.received.computeIfAbsent(route, (k) -> new LongAdder()).increment();
			return null;
		}

		@Override
		public void serverRequest(String route, int status, long durationNanos) {
			String key = route + " " + FastnetMeters.statusTag(status);
			this.counts.computeIfAbsent(key, (k) -> new LongAdder()).increment();
			this.longest.computeIfAbsent(key, (k) -> new LongAccumulator(Math::max, Long.MIN_VALUE))
				.accumulate(durationNanos);
			this.shortest.computeIfAbsent(key, (k) -> new LongAccumulator(Math::min, Long.MAX_VALUE))
				.accumulate(durationNanos);
		}

		long received(String route) {
			LongAdder count = this.received.get(route);
			return (count != null) ? count.sum() : 0;
		}

		long count(String route, String status) {
			LongAdder count = this.counts.get(route + " " + status);
			return (count != null) ? count.sum() : 0;
		}

		/**
		 * Return the shortest and the longest time the server took to answer, in
		 * nanoseconds.
		 */
		long[] durationRange(String route, String status) {
			String key = route + " " + status;
			return new long[] { this.shortest.get(key).get(), this.longest.get(key).get() };
		}

	}

}
