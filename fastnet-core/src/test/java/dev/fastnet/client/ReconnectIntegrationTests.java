package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the reconnect governor of {@link FastnetClient}: lazy reconnect
 * with backoff, no storms, the circuit, and recovery after a server restart.
 */
class ReconnectIntegrationTests extends ClientTestSupport {

	private static final ReconnectOptions S17_BACKOFF = ReconnectOptions.builder()
		.initialBackoff(Duration.ofMillis(100))
		.multiplier(1.6)
		.jitter(0.2)
		.maxBackoff(Duration.ofSeconds(10))
		.failureThreshold(100)
		.build();

	private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopTraffic() throws InterruptedException {
		this.traffic.shutdownNow();
		assertThat(this.traffic.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

	private static Routes echo() {
		return Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build();
	}

	/**
	 * Most attempts a backoff schedule allows within a period: the first attempt at once,
	 * then each after the shortest jittered delay.
	 */
	private static int maxAttemptsWithin(ReconnectOptions options, Duration period) {
		double elapsed = 0;
		int attempts = 1;
		double delay = options.initialBackoff().toMillis();
		while (true) {
			elapsed += Math.min(delay, options.maxBackoff().toMillis()) * (1 - options.jitter());
			if (elapsed > period.toMillis()) {
				return attempts;
			}
			attempts++;
			delay *= options.multiplier();
		}
	}

	@Test
	void afterAServerRestartTheClientRecoversByItselfWithoutAConnectStorm() {
		FastnetServer server = startServer(echo());
		int port = server.port();
		FastnetClient client = client(new InetSocketAddress("127.0.0.1", port),
				(config) -> config.reconnect(S17_BACKOFF).requestTimeout(Duration.ofSeconds(1)));
		AtomicLong succeeded = new AtomicLong();
		AtomicLong lastSuccess = new AtomicLong();
		ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
		AtomicLong slowestFailure = new AtomicLong();
		this.traffic.scheduleAtFixedRate(() -> {
			long start = System.nanoTime();
			client.request("echo", bytes("tick")).whenComplete((reply, ex) -> {
				if (ex == null) {
					succeeded.incrementAndGet();
					lastSuccess.set(System.nanoTime());
				}
				else {
					slowestFailure.accumulateAndGet(System.nanoTime() - start, Math::max);
					if (!(ex instanceof FastnetConnectException || ex instanceof ConnectionClosedException)) {
						unexpected.add(ex.toString());
					}
				}
			});
		}, 0, 10, TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> succeeded.get() > 10);
		server.close();
		long attemptsBefore = client.stats().connectAttempts();
		long down = System.nanoTime();
		// Down for 1.5 s: every call fails fast and none succeeds
		long okBefore = succeeded.get();
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> succeeded.get() == okBefore);
		long attemptsWhileDown = client.stats().connectAttempts() - attemptsBefore;
		Duration downtime = Duration.ofNanos(System.nanoTime() - down);
		FastnetServer restarted = startServer(echo(), (config) -> config.port(port));
		long up = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).until(() -> lastSuccess.get() - up > 0);
		Duration recovery = Duration.ofNanos(lastSuccess.get() - up);
		assertThat(attemptsWhileDown).isBetween(3L, (long) maxAttemptsWithin(S17_BACKOFF, downtime));
		// The next attempt after the restart comes within the backoff in force (at most
		// ~0.9 s here)
		assertThat(recovery).isLessThan(Duration.ofMillis(1500));
		assertThat(unexpected).isEmpty();
		assertThat(Duration.ofNanos(slowestFailure.get())).isLessThan(Duration.ofMillis(500));
		assertThat(restarted.stats().connectionsAccepted()).isEqualTo(1);
		assertThat(client.endpoints().get(0).state()).isEqualTo(EndpointState.UP);
		this.traffic.shutdownNow();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(client.stats().inFlight()).isZero();
			assertThat(client.stats().pendingAcquires()).isZero();
		});
	}

	@Test
	void connectionAcceptedAndClosedAtOnceCountsAsAFailedAttemptAndBacksOff() throws Exception {
		ScriptedServer server = startScripted(new ScriptedServer.Script() {
			@Override
			public boolean onConnect(ScriptedServer.Peer peer) {
				return false;
			}

			@Override
			public boolean onFrame(ScriptedServer.Peer peer, dev.fastnet.test.RawClient.RawFrame frame) {
				return false;
			}
		});
		FastnetClient client = client(server.address(), (config) -> config.reconnect(S17_BACKOFF));
		AtomicLong failed = new AtomicLong();
		ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
		long start = System.nanoTime();
		this.traffic.scheduleAtFixedRate(() -> client.request("echo", bytes("x")).whenComplete((reply, ex) -> {
			if (ex instanceof FastnetConnectException) {
				failed.incrementAndGet();
			}
			else {
				unexpected.add(String.valueOf(ex));
			}
		}), 0, 10, TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> failed.get() >= 100);
		this.traffic.shutdownNow();
		assertThat(this.traffic.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		// The attempts counted, then the time they had: an attempt made after the clock
		// was read
		// would otherwise count against too short a period
		EndpointStats stats = client.endpoints().get(0);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(unexpected).isEmpty();
		assertThat(stats.connectAttempts()).isBetween(2L, (long) maxAttemptsWithin(S17_BACKOFF, elapsed));
		assertThat(stats.connectFailures()).isEqualTo(stats.connectAttempts());
		assertThat(stats.state()).isEqualTo(EndpointState.BACKOFF);
		assertThat((long) server.accepted()).isEqualTo(stats.connectAttempts());
	}

	@Test
	void openCircuitFailsFastAndAServerBackOnItsPortIsUsedLongBeforeTheCoolDownEnds() throws Exception {
		FastnetServer first = startServer(echo());
		int port = first.port();
		first.close();
		HeldPort held = holdPort(port);
		FastnetClient client = client(new InetSocketAddress("127.0.0.1", port),
				(config) -> config.reconnect(ReconnectOptions.builder()
					.initialBackoff(Duration.ofMillis(500))
					.maxBackoff(Duration.ofMillis(500))
					.failureThreshold(3)
					.circuitCoolDown(Duration.ofSeconds(30))
					.jitter(0)
					.build()));
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> client.request("echo", bytes("")).handle((reply, ex) -> ex).get(5, TimeUnit.SECONDS) != null
					&& client.endpoints().get(0).state() == EndpointState.DOWN);
		EndpointStats down = client.endpoints().get(0);
		assertThat(down.connectFailures()).isEqualTo(3);
		// The first probe is half a second away: until then calls fail at once
		long start = System.nanoTime();
		assertThatExceptionOfType(NoEndpointAvailableException.class)
			.isThrownBy(() -> client.requestBlocking("echo", bytes("")))
			.withMessageContaining("127.0.0.1:" + port + " DOWN (next attempt in");
		// Failed at once: well before the next probe, 500 ms away (room left for a busy
		// machine)
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(450));
		held.close();
		startServer(echo(), (config) -> config.port(port));
		long back = System.nanoTime();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.ignoreExceptionsInstanceOf(FastnetConnectException.class)
			.until(() -> client.requestBlocking("echo", bytes("back")).payloadString().equals("back"));
		// Probes after 0.5 s, then 1 s, then 2 s: the server is found within about 2 s,
		// not 30
		assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(5));
		assertThat(client.endpoints().get(0).state()).isEqualTo(EndpointState.UP);
	}

	@Test
	void minIdleConnectionsComeBackAfterARestartWithoutAnyTraffic() throws Exception {
		FastnetServer server = startServer(echo());
		int port = server.port();
		FastnetClient client = client(new InetSocketAddress("127.0.0.1", port),
				(config) -> config.reconnect(S17_BACKOFF).pool(pool().minIdle(2).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 2);
		server.close();
		HeldPort held = holdPort(port);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> client.endpoints().get(0).state() == EndpointState.BACKOFF && client.stats().open() == 0);
		held.close();
		FastnetServer restarted = startServer(echo(), (config) -> config.port(port));
		await().atMost(Duration.ofSeconds(5)).until(() -> restarted.sessions().size() == 2);
		assertThat(client.endpoints().get(0).state()).isEqualTo(EndpointState.UP);
	}

	@Test
	void closedClientNeverTriesToConnectAgain() throws Exception {
		FastnetClient client = client(holdPort().address(),
				(config) -> config.reconnect(S17_BACKOFF).pool(pool().minIdle(1).build()));
		// minIdle keeps the governor retrying on its timer while the endpoint is down
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().connectAttempts() >= 2);
		client.closeGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
		long attempts = client.stats().connectAttempts();
		await().during(Duration.ofMillis(800))
			.atMost(Duration.ofSeconds(2))
			.until(() -> client.stats().connectAttempts() == attempts);
		assertThatExceptionOfType(ClientClosedException.class)
			.isThrownBy(() -> client.requestBlocking("echo", bytes("")));
	}

}
