package dev.fastnet.reliability;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.FastnetException;
import dev.fastnet.client.ConnectionClosedException;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.PoolOptions;
import dev.fastnet.client.Reply;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.GracefulShutdownResult;
import dev.fastnet.spring.context.FastnetServerLifecycle;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Tag;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown and correctness under concurrency: a Spring application closed with a thousand
 * requests in flight, and answers correlated with their requests under heavy
 * multiplexing.
 */
class ShutdownAndConcurrencyScenarios extends ScenarioSupport {

	private static final int IN_FLIGHT = 1000;

	@Scenario(id = "S22", promise = "Closing the application drains the server: new connections are refused, new "
			+ "requests get 503, health is OUT_OF_SERVICE, and every request in flight completes with its answer")
	void gracefulShutdownAnswersEveryRequestInFlight(ScenarioFigures figures) throws Exception {
		try (Draining draining = startAndClose()) {
			Status health = draining.health.health().getStatus();
			int answerOnOpenConnection = draining.requestOnOpenConnection();
			int attempts = 100;
			int refused = refusedConnections(draining.server.address(), attempts);
			// The handlers' answers come a second after the shutdown began, and never
			// before the
			// checks above saw the server draining
			long untilRelease = Math.max(0, 1000 - millis(System.nanoTime() - draining.closing));
			CompletableFuture.runAsync(draining.handlers::release,
					CompletableFuture.delayedExecutor(untilRelease, TimeUnit.MILLISECONDS));
			draining.closed.get(30, TimeUnit.SECONDS);
			long shutdownMillis = millis(System.nanoTime() - draining.closing);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> draining.calls.stream().allMatch(CompletableFuture::isDone));
			long completed = draining.calls.stream()
				.filter((call) -> !call.isCompletedExceptionally() && "done".equals(call.join().payloadString()))
				.count();
			GracefulShutdownResult result = draining.server.shutdownGracefully(Duration.ZERO).join();
			figures.put("inFlightAtShutdown", IN_FLIGHT)
				.put("completed", completed)
				.put("dropped", IN_FLIGHT - completed)
				.put("shutdownMs", shutdownMillis)
				.put("result", result.name())
				.put("healthWhileDraining", health.getCode())
				.put("newRequestOnOpenConnectionStatus", answerOnOpenConnection)
				.put("newConnectionsRefusedPercent", refused * 100 / attempts)
				.put("errorLogLines", errorLines());
			assertThat(completed).isEqualTo(IN_FLIGHT);
			assertThat(result).isEqualTo(GracefulShutdownResult.IDLE);
			assertThat(health).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(answerOnOpenConnection).isEqualTo(503);
			assertThat(refused).isEqualTo(attempts);
		}
	}

	@Scenario(id = "S22",
			promise = "When requests in flight outlast the shutdown phase, the stop is forced before "
					+ "Spring gives up on the phase: the result is REQUESTS_ACTIVE, clients fail with "
					+ "ConnectionClosedException instead of hanging, and no non-daemon fastnet thread is left")
	void gracefulShutdownIsForcedWhenRequestsOutlastThePhase(ScenarioFigures figures) throws Exception {
		Duration phaseTimeout = Duration.ofSeconds(2);
		try (Draining draining = startAndClose("spring.lifecycle.timeout-per-shutdown-phase=2s")) {
			long[] endedAt = new long[IN_FLIGHT];
			for (int i = 0; i < IN_FLIGHT; i++) {
				int index = i;
				draining.calls.get(i).whenComplete((reply, ex) -> endedAt[index] = System.nanoTime());
			}
			draining.closed.get(30, TimeUnit.SECONDS);
			long closeMillis = millis(System.nanoTime() - draining.closing);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> draining.calls.stream().allMatch(CompletableFuture::isDone));
			long closedFailures = draining.calls.stream()
				.filter((call) -> failureOf(call) instanceof ConnectionClosedException)
				.count();
			long forcedMillis = Arrays.stream(endedAt).map((ended) -> millis(ended - draining.closing)).max().orElse(0);
			GracefulShutdownResult result = draining.server.shutdownGracefully(Duration.ZERO).join();
			await().atMost(Duration.ofSeconds(10)).until(() -> nonDaemonFastnetThreads().isEmpty());
			figures.put("inFlightAtShutdown", IN_FLIGHT)
				.put("phaseTimeoutMs", phaseTimeout.toMillis())
				.put("fastnetGraceMs", draining.grace.toMillis())
				.put("forcedAtMs", forcedMillis)
				.put("closeReturnedAfterMs", closeMillis)
				.put("result", result.name())
				.put("failedWithConnectionClosed", closedFailures)
				.put("hungCalls", draining.calls.stream().filter((call) -> !call.isDone()).count())
				.put("nonDaemonFastnetThreadsAfterClose", nonDaemonFastnetThreads().size());
			assertThat(result).isEqualTo(GracefulShutdownResult.REQUESTS_ACTIVE);
			assertThat(closedFailures).isEqualTo(IN_FLIGHT);
			// Not before the grace fastnet took from the phase timeout, and without
			// waiting for
			// anything else once it ended
			assertThat(forcedMillis).isGreaterThanOrEqualTo(draining.grace.toMillis() - 50);
			assertThat(closeMillis).isLessThan(phaseTimeout.toMillis() + 10_000);
		}
	}

	@Scenario(id = "S24", promise = "Under 64 threads on 4 multiplexed connections, with answers out of order, "
			+ "every answer completes the request it belongs to: none lost, none duplicated")
	void answersAreCorrelatedUnderConcurrency(ScenarioFigures figures) throws Exception {
		correlate(figures, 100_000, Duration.ofSeconds(30));
	}

	@Tag("long")
	@Scenario(id = "S24", tier = "B", promise = "Under 64 threads on 4 multiplexed connections for a minute, with "
			+ "answers out of order, every answer completes the request it belongs to: none lost, none duplicated")
	void answersAreCorrelatedUnderConcurrencyForAMinute(ScenarioFigures figures) throws Exception {
		correlate(figures, 1_000_000, Duration.ofSeconds(60));
	}

	private void correlate(ScenarioFigures figures, int requests, Duration limit) throws Exception {
		int threads = 64;
		ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
		LongAdder invocations = new LongAdder();
		try {
			FastnetServer server = startServer(Routes.builder().route("token", Execution.EVENT_LOOP, (request) -> {
				invocations.increment();
				byte[] token = request.payloadBytes();
				CompletableFuture<byte[]> answer = new CompletableFuture<>();
				// Out of order: each answer waits 0 to 5 ms
				delays.schedule(() -> answer.complete(token), ThreadLocalRandom.current().nextLong(5001),
						TimeUnit.MICROSECONDS);
				return answer;
			}).build(), (config) -> {
			});
			FastnetClient client = client(addressOf(server),
					(config) -> config.pool(PoolOptions.builder().minIdle(4).maxConnections(4).build()));
			await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().open() == 4);
			AtomicLong sent = new AtomicLong();
			LongAdder matched = new LongAdder();
			LongAdder mismatched = new LongAdder();
			LongAdder failed = new LongAdder();
			List<long[]> latencies = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(threads);
			long start = System.nanoTime();
			long deadline = start + limit.toNanos();
			for (int t = 0; t < threads; t++) {
				Thread thread = new Thread(() -> {
					long[] own = new long[1024];
					int count = 0;
					ThreadLocalRandom random = ThreadLocalRandom.current();
					try {
						while (System.nanoTime() - deadline < 0 && sent.incrementAndGet() <= requests) {
							byte[] token = new byte[16];
							random.nextBytes(token);
							long begin = System.nanoTime();
							try {
								Reply reply = client.requestBlocking("token", token);
								(Arrays.equals(reply.payload(), token) ? matched : mismatched).increment();
							}
							catch (FastnetException ex) {
								failed.increment();
							}
							if (count == own.length) {
								own = Arrays.copyOf(own, count * 2);
							}
							own[count++] = System.nanoTime() - begin;
						}
					}
					finally {
						latencies.add(Arrays.copyOf(own, count));
						done.countDown();
					}
				}, "correlation-" + t);
				thread.setDaemon(true);
				thread.start();
			}
			boolean finished = done.await(limit.toSeconds() + 30, TimeUnit.SECONDS);
			long elapsed = System.nanoTime() - start;
			await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 0);
			long issued = Math.min(sent.get(), requests);
			long completed = matched.sum() + mismatched.sum() + failed.sum();
			long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
			figures.put("threads", threads)
				.put("connections", client.stats().open())
				.put("requests", issued)
				.put("elapsedMs", millis(elapsed))
				.put("requestsPerSecond", issued * 1_000_000_000L / Math.max(1, elapsed))
				.put("mismatched", mismatched.sum())
				.put("lost", issued - completed)
				.put("duplicates", invocations.sum() - issued)
				.put("failed", failed.sum())
				.put("p50Us", percentileMicros(all, 50))
				.put("p99Us", percentileMicros(all, 99))
				.put("maxUs", percentileMicros(all, 100));
			assertThat(finished).isTrue();
			assertThat(mismatched.sum()).isZero();
			assertThat(failed.sum()).isZero();
			assertThat(completed).isEqualTo(issued);
			assertThat(invocations.sum()).isEqualTo(issued);
			// Enough to mean something even on a slow machine
			assertThat(issued).isGreaterThanOrEqualTo(Math.min(requests, 20_000));
		}
		finally {
			delays.shutdownNow();
		}
	}

	private Draining startAndClose(String... properties) throws IOException {
		List<String> all = new ArrayList<>(
				List.of("fastnet.server.port=0", "fastnet.server.address=127.0.0.1", "fastnet.server.io-threads=1"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(HoldingApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(new String[0]))
			.run();
		recountLogsAfterSpringStarted();
		FastnetServer server = context.getBean(FastnetServer.class);
		HealthIndicator health = (HealthIndicator) ((CompositeHealthContributor) context
			.getBean("fastnetHealthContributor", HealthContributor.class)).getContributor("server");
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		// A connection with a request of its own in flight, which the server keeps open
		// while
		// draining, for a new request once the shutdown began
		RawClient open = RawClient.connect(server.port());
		open.request(1, "hold", "work");
		HoldingHandlers handlers = context.getBean(HoldingHandlers.class);
		List<CompletableFuture<Reply>> calls = new ArrayList<>(IN_FLIGHT);
		for (int i = 0; i < IN_FLIGHT; i++) {
			calls.add(client.request("hold", "work".getBytes(StandardCharsets.UTF_8)));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> server.inFlight() == IN_FLIGHT + 1);
		Duration grace = context.getBean(FastnetServerLifecycle.class).getShutdownGrace();
		long closing = System.nanoTime();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> server.state() == FastnetServer.State.DRAINING);
		return new Draining(context, server, health, handlers, open, calls, grace, closing, closed);
	}

	private static int refusedConnections(InetSocketAddress address, int attempts) throws IOException {
		int refused = 0;
		for (int i = 0; i < attempts; i++) {
			try (Socket socket = new Socket()) {
				socket.connect(address, 1000);
			}
			catch (ConnectException ex) {
				refused++;
			}
		}
		return refused;
	}

	private static List<String> nonDaemonFastnetThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && !thread.isDaemon() && thread.getName().startsWith("fastnet-"))
			.map(Thread::getName)
			.toList();
	}

	/**
	 * An application closing with requests in flight, and what the test holds of it.
	 */
	private record Draining(ConfigurableApplicationContext context, FastnetServer server, HealthIndicator health,
			HoldingHandlers handlers, RawClient open, List<CompletableFuture<Reply>> calls, Duration grace,
			long closing, CompletableFuture<Void> closed) implements AutoCloseable {

		/**
		 * Send a request on a connection opened before the shutdown and return the status
		 * of its answer.
		 */
		int requestOnOpenConnection() throws IOException {
			this.open.request(2, "hold", "late");
			RawClient.RawFrame answer = this.open.readSkippingGoAway();
			// Gone before its first request is answered: the server drops that answer
			this.open.close();
			return (answer.type() == RawClient.ERROR && answer.id() == 2) ? answer.errorStatus() : -answer.type();
		}

		@Override
		public void close() throws IOException {
			this.open.close();
			this.context.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HoldingApplication {

		@Bean
		HoldingHandlers holdingHandlers() {
			return new HoldingHandlers();
		}

	}

	/**
	 * Handlers whose answers wait until the test lets them go.
	 */
	static class HoldingHandlers {

		private final List<CompletableFuture<String>> held = new CopyOnWriteArrayList<>();

		@MessageHandler("hold")
		CompletableFuture<String> hold(String payload) {
			CompletableFuture<String> answer = new CompletableFuture<>();
			this.held.add(answer);
			return answer;
		}

		void release() {
			for (CompletableFuture<String> answer : this.held) {
				answer.complete("done");
			}
		}

	}

}
