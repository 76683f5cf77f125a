package dev.fastnet.reliability;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.fastnet.client.ConnectionClosedException;
import dev.fastnet.client.EndpointStats;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetConnectException;
import dev.fastnet.client.FastnetTimeoutException;
import dev.fastnet.client.PendingAcquireLimitException;
import dev.fastnet.client.PendingAcquireTimeoutException;
import dev.fastnet.client.PoolOptions;
import dev.fastnet.client.Reply;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.test.RawClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection loss and recovery: peers that vanish, die, restart, reset idle connections
 * or go silent, a pool at its limits, and answers that come too late or for nothing.
 */
class ConnectionLossScenarios extends ScenarioSupport {

	private static final byte[] PING = "ping".getBytes(StandardCharsets.UTF_8);

	@Scenario(id = "S15", promise = "A client that vanishes mid-request, with FIN or RST, costs the server nothing: "
			+ "the handler finishes, its answer is dropped quietly and released, and the connection is cleaned up")
	void clientVanishesMidRequest(ScenarioFigures figures) throws Exception {
		int clients = 1000;
		HeldAnswers held = new HeldAnswers();
		FastnetServer server = startServer(Routes.builder().route("slow", Execution.EVENT_LOOP, held.handler()).build(),
				(config) -> {
				});
		List<RawClient> sockets = new ArrayList<>(clients);
		for (int i = 0; i < clients; i++) {
			RawClient socket = RawClient.connect(server.port());
			sockets.add(socket);
			socket.request(1, "slow", "work");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> server.inFlight() == clients);
		long closing = System.nanoTime();
		for (int i = 0; i < clients; i++) {
			if (i % 2 == 1) {
				// Linger 0: the close sends RST instead of FIN
				sockets.get(i).socket().setSoLinger(true, 0);
			}
			sockets.get(i).close();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().connectionsOpen() == 0);
		long closedMillis = millis(System.nanoTime() - closing);
		// The handlers' work ends only after their clients are gone
		held.release(PING);
		await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().clientGone() == clients);
		figures.put("clients", clients)
			.put("closedWithFin", clients / 2)
			.put("closedWithRst", clients / 2)
			.put("handlersFinished", held.finished())
			.put("requestsClientGone", server.stats().clientGone())
			.put("connectionsClosedAfterMs", closedMillis)
			.put("connectionsClosedWithin1s", closedMillis <= 1000)
			.put("errorLogLines", errorLines())
			.put("warnLogLines", warnLines())
			.put("leakReports", leakReports());
		assertThat(held.finished()).isEqualTo(clients);
		assertThat(server.stats().clientGone()).isEqualTo(clients);
		assertThat(server.inFlight()).isZero();
		assertThat(server.stats().connectionsOpen()).isZero();
		assertThat(errorLines()).isZero();
		assertThat(leakReports()).isZero();
	}

	@Scenario(id = "S16", promise = "When the server dies mid-request every pending call fails at once with "
			+ "ConnectionClosedException naming the endpoint, none waits for its timeout, and the pool drops the "
			+ "dead connections")
	void serverDiesMidRequest(ScenarioFigures figures) {
		int requests = 1000;
		HeldAnswers held = new HeldAnswers();
		FastnetServer server = startServer(Routes.builder().route("hold", Execution.EVENT_LOOP, held.handler()).build(),
				(config) -> {
				});
		FaultProxy proxy = proxy(addressOf(server));
		FastnetClient client = client(proxy.address(),
				(config) -> config.pool(PoolOptions.builder().maxConnections(4).maxInFlightPerConnection(250).build()));
		List<CompletableFuture<Reply>> calls = new ArrayList<>(requests);
		long[] endedAt = new long[requests];
		for (int i = 0; i < requests; i++) {
			int index = i;
			calls.add(client.request("hold", PING).whenComplete((reply, ex) -> endedAt[index] = System.nanoTime()));
		}
		// Requests in flight for a while, not just written: a connection closed right
		// after
		// requests were written on it idle is taken for one the server had closed
		// already, and
		// its requests are sent again
		await().pollDelay(Duration.ofMillis(100))
			.atMost(Duration.ofSeconds(30))
			.until(() -> server.inFlight() == requests);
		int connections = proxy.connectionsOpen();
		long killed = System.nanoTime();
		proxy.resetPeers();
		await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		long lastFailureMillis = 0;
		int closedFailures = 0;
		int namingEndpoint = 0;
		for (int i = 0; i < requests; i++) {
			Throwable failure = failureOf(calls.get(i));
			lastFailureMillis = Math.max(lastFailureMillis, millis(endedAt[i] - killed));
			if (failure instanceof ConnectionClosedException) {
				closedFailures++;
				if (failure.getMessage().contains("127.0.0.1:" + proxy.port())) {
					namingEndpoint++;
				}
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().open() == 0);
		figures.put("requests", requests)
			.put("connections", connections)
			.put("failedWithConnectionClosed", closedFailures)
			.put("failuresNamingEndpoint", namingEndpoint)
			.put("lastFailureAfterMs", lastFailureMillis)
			.put("requestTimeoutMs", client.config().requestTimeout().toMillis())
			.put("hungCalls", calls.stream().filter((call) -> !call.isDone()).count())
			.put("pendingAfter", client.stats().inFlight())
			.put("openConnectionsAfter", client.stats().open())
			.put("handlerInvocations", held.received());
		held.release(PING);
		assertThat(connections).isEqualTo(4);
		assertThat(closedFailures).isEqualTo(requests);
		assertThat(namingEndpoint).isEqualTo(requests);
		// Failed at once: long before the 30 s request timeout, whatever the machine's
		// load
		assertThat(lastFailureMillis).isLessThan(10_000);
		assertThat(client.stats().inFlight()).isZero();
		assertThat(held.received()).isEqualTo(requests);
	}

	@Scenario(id = "S17", promise = "While the server is down calls fail fast and reconnects back off; after it "
			+ "restarts on the same port traffic recovers by itself, and a closed client never reconnects")
	void serverRestartsOnTheSamePort(ScenarioFigures figures) {
		FastnetServer server = startServer(echo().build(), (config) -> {
		});
		int port = server.port();
		FastnetClient client = client(new InetSocketAddress("127.0.0.1", port),
				(config) -> config.connectTimeout(Duration.ofSeconds(1)));
		// Calls fail fast while the server is down; a call timeout of 5 s shows any that
		// would wait
		try (Traffic traffic = new Traffic(client, PING, Duration.ofMillis(10), Duration.ofSeconds(5))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> traffic.succeededSince(0) >= 20);
			long stopped = System.nanoTime();
			server.stop(Duration.ofSeconds(1));
			long attemptsBefore = client.stats().connectAttempts();
			// Down for as long as the traffic takes to send 500 calls, about 5 s at 100
			// per second
			await().atMost(Duration.ofSeconds(30)).until(() -> traffic.startedSince(stopped) >= 500);
			long attemptsWhileDown = client.stats().connectAttempts() - attemptsBefore;
			long restartedAt = System.nanoTime();
			FastnetServer restarted = startServer(echo().build(), (config) -> config.port(port));
			await().atMost(Duration.ofSeconds(60)).until(() -> traffic.firstSuccessAfter(restartedAt) != 0);
			long recovered = traffic.firstSuccessAfter(restartedAt);
			// The backoff in force: what the last failure before the recovery announced
			long nextAttemptDue = traffic.nextAttemptDueAt(recovered);
			await().atMost(Duration.ofSeconds(10)).until(() -> traffic.succeededSince(recovered) >= 20);
			traffic.stop();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> client.stats().inFlight() == 0 && client.stats().pendingAcquires() == 0);
			List<Traffic.Outcome> failed = traffic.failures();
			Set<String> failureTypes = new TreeSet<>();
			long failedOutsideDowntime = 0;
			long timedOut = 0;
			long slowestFailure = 0;
			for (Traffic.Outcome outcome : failed) {
				failureTypes.add(outcome.failure().getClass().getSimpleName());
				if (outcome.endedAt() - stopped < 0 || outcome.startedAt() - recovered > 0) {
					failedOutsideDowntime++;
				}
				if (outcome.failure() instanceof FastnetTimeoutException) {
					timedOut++;
				}
				slowestFailure = Math.max(slowestFailure, outcome.endedAt() - outcome.startedAt());
			}
			long recoveryMillis = millis(recovered - restartedAt);
			long dueMillis = Math.max(0, millis(nextAttemptDue - restartedAt));
			long attemptsBeforeClose = client.stats().connectAttempts();
			long acceptedBeforeClose = restarted.stats().connectionsAccepted();
			client.close(Duration.ofSeconds(1));
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(2))
				.until(() -> client.stats().connectAttempts() == attemptsBeforeClose
						&& restarted.stats().connectionsAccepted() == acceptedBeforeClose);
			figures.put("downtimeMs", millis(restartedAt - stopped))
				.put("connectAttemptsWhileDown", attemptsWhileDown)
				.put("callsWhileDown", traffic.startedBetween(stopped, restartedAt))
				.put("failedCalls", failed.size())
				.put("failedOutsideDowntime", failedOutsideDowntime)
				.put("timedOutCalls", timedOut)
				.put("slowestFailureMs", millis(slowestFailure))
				.put("failureTypes", String.join(",", failureTypes))
				.put("nextAttemptDueAfterRestartMs", dueMillis)
				.put("restartToFirstSuccessMs", recoveryMillis)
				.put("withinBackoffPlus200ms", recoveryMillis <= dueMillis + 200)
				.put("pendingAfterRecovery", client.stats().inFlight() + client.stats().pendingAcquires())
				.put("connectAttemptsAfterClose", client.stats().connectAttempts() - attemptsBeforeClose);
			assertThat(attemptsWhileDown).isBetween(1L, 15L);
			assertThat(failed).isNotEmpty();
			assertThat(failedOutsideDowntime).isZero();
			assertThat(timedOut).as("calls fail fast instead of piling up").isZero();
			assertThat(failureTypes).allMatch((type) -> type.equals(ConnectionClosedException.class.getSimpleName())
					|| type.equals(FastnetConnectException.class.getSimpleName())
					|| type.equals("NoEndpointAvailableException"));
			// Recovered with the next attempt the backoff allowed, with slack for a
			// loaded machine
			assertThat(recoveryMillis).isLessThanOrEqualTo(dueMillis + 5000);
		}
	}

	@Scenario(id = "S18", promise = "Idle pooled connections reset by the peer are replaced, and calls made at "
			+ "that moment see no failure")
	void deadIdlePooledConnectionsAreReplaced(ScenarioFigures figures) {
		FastnetServer server = startServer(echo().build(), (config) -> {
		});
		FaultProxy proxy = proxy(addressOf(server));
		FastnetClient client = client(proxy.address(),
				(config) -> config.pool(PoolOptions.builder().minIdle(4).maxConnections(4).build()));
		// Warm: four connections that answered their first PING
		await().atMost(Duration.ofSeconds(10))
			.until(() -> proxy.connectionsOpen() == 4 && client.stats().open() == 4
					&& proxy.links().stream().allMatch((link) -> link.bytesForwarded() >= 24));
		List<FaultProxy.Link> warmed = proxy.links();
		int reset = proxy.resetPeers();
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			calls.add(client.request("echo", Map.of(), PING, Duration.ofSeconds(5)));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().open() == 4 && proxy.connectionsOpen() == 4);
		long failed = calls.stream().filter(CompletableFuture::isCompletedExceptionally).count();
		EndpointStats endpoint = client.endpoints().get(0);
		figures.put("warmConnections", warmed.size())
			.put("reset", reset)
			.put("requests", calls.size())
			.put("failed", failed)
			.put("deadConnectionsDropped", warmed.stream().filter((link) -> !link.isOpen()).count())
			.put("newConnections", proxy.connectionsAccepted() - warmed.size())
			.put("clientEvictedCounter", endpoint.connectionsEvicted())
			.put("openAfter", client.stats().open());
		assertThat(reset).isEqualTo(4);
		assertThat(failed).isZero();
		assertThat(warmed).noneMatch(FaultProxy.Link::isOpen);
		assertThat(proxy.connectionsAccepted() - warmed.size()).isEqualTo(4);
	}

	@Scenario(id = "S19", promise = "A silent partition is found by the client's heartbeat, which fails the "
			+ "pending calls with ConnectionClosedException; the server reaps its side at its idle timeout; after "
			+ "the partition heals the client reconnects")
	void halfOpenConnectionIsDetected(ScenarioFigures figures) {
		HeldAnswers held = new HeldAnswers();
		Duration idleTimeout = Duration.ofSeconds(3);
		FastnetServer server = startServer(echo().route("hold", Execution.EVENT_LOOP, held.handler()).build(),
				(config) -> config.idleTimeout(idleTimeout).minPingInterval(Duration.ZERO));
		FaultProxy proxy = proxy(addressOf(server));
		Duration pingInterval = Duration.ofSeconds(1);
		Duration pingTimeout = Duration.ofSeconds(1);
		FastnetClient client = client(proxy.address(), (config) -> config.connectTimeout(Duration.ofSeconds(1))
			.pool(PoolOptions.builder().maxConnections(1).pingInterval(pingInterval).pingTimeout(pingTimeout).build()));
		assertThat(client.requestBlocking("echo", PING).payload()).isEqualTo(PING);
		int pending = 10;
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		long[] endedAt = new long[pending];
		for (int i = 0; i < pending; i++) {
			int index = i;
			calls.add(client.request("hold", PING).whenComplete((reply, ex) -> endedAt[index] = System.nanoTime()));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == pending);
		long idleBefore = server.stats().connectionsIdleClosed();
		long frozen = System.nanoTime();
		proxy.freeze();
		await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		long detectedMillis = 0;
		int closedFailures = 0;
		for (int i = 0; i < pending; i++) {
			detectedMillis = Math.max(detectedMillis, millis(endedAt[i] - frozen));
			if (failureOf(calls.get(i)) instanceof ConnectionClosedException) {
				closedFailures++;
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().connectionsOpen() == 0);
		long reapedMillis = millis(System.nanoTime() - frozen);
		long healed = System.nanoTime();
		proxy.heal();
		AtomicReference<Long> recovered = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
			CompletableFuture<Reply> call = client.request("echo", Map.of(), PING, Duration.ofSeconds(2));
			call.handle((reply, ex) -> null).join();
			if (!call.isCompletedExceptionally()) {
				recovered.set(System.nanoTime());
				return true;
			}
			return false;
		});
		long recoveryMillis = millis(recovered.get() - healed);
		long planBound = (pingInterval.plus(pingTimeout).toMillis() * 11) / 10;
		figures.put("pingIntervalMs", pingInterval.toMillis())
			.put("pingTimeoutMs", pingTimeout.toMillis())
			.put("pendingCalls", pending)
			.put("pendingFailedWithConnectionClosed", closedFailures)
			.put("detectionMs", detectedMillis)
			.put("detectionWithinIntervalPlusTimeoutPlus10Percent", detectedMillis <= planBound)
			.put("serverIdleTimeoutMs", idleTimeout.toMillis())
			.put("serverReapMs", reapedMillis)
			.put("serverReapWithinIdleTimeoutPlus10Percent", reapedMillis <= idleTimeout.toMillis() * 11 / 10)
			.put("serverIdleClosed", server.stats().connectionsIdleClosed() - idleBefore)
			.put("recoveryAfterHealMs", recoveryMillis);
		held.release(PING);
		assertThat(closedFailures).isEqualTo(pending);
		// Found by an unanswered PING (one sent just before the freeze may end a little
		// under the
		// timeout after it), and long before the 30 s request timeout
		assertThat(detectedMillis).isGreaterThanOrEqualTo(pingTimeout.toMillis() / 2).isLessThan(10_000);
		assertThat(server.stats().connectionsIdleClosed() - idleBefore).isOne();
		assertThat(reapedMillis).isGreaterThanOrEqualTo(idleTimeout.toMillis() - 1000)
			.isLessThan(idleTimeout.toMillis() + 10_000);
		assertThat(recoveryMillis).isLessThan(10_000);
	}

	@Scenario(id = "S20", promise = "A pool at its limits fails calls with typed errors naming the limit: one "
			+ "waits and fails at the acquire timeout, the others are refused at once beyond the pending limit; "
			+ "once the slot frees calls succeed and the pool's gauges return to 0")
	void poolExhausted(ScenarioFigures figures) {
		HeldAnswers held = new HeldAnswers();
		FastnetServer server = startServer(echo().route("hold", Execution.EVENT_LOOP, held.handler()).build(),
				(config) -> {
				});
		Duration acquireTimeout = Duration.ofMillis(30);
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(PoolOptions.builder()
					.maxConnections(1)
					.maxInFlightPerConnection(1)
					.maxPendingAcquires(1)
					.acquireTimeout(acquireTimeout)
					.build()));
		assertThat(client.requestBlocking("echo", PING).payload()).isEqualTo(PING);
		CompletableFuture<Reply> holder = client.request("hold", PING);
		await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 1);
		long waitingStarted = System.nanoTime();
		CompletableFuture<Reply> waiting = client.request("echo", PING);
		long[] refusedNanos = new long[2];
		List<CompletableFuture<Reply>> refused = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			long started = System.nanoTime();
			CompletableFuture<Reply> call = client.request("echo", PING);
			refusedNanos[i] = System.nanoTime() - started;
			// Refused before request() returned: nothing waited
			assertThat(call).isCompletedExceptionally();
			refused.add(call);
		}
		AtomicReference<Long> waitedNanos = new AtomicReference<>();
		waiting.whenComplete((reply, ex) -> waitedNanos.set(System.nanoTime() - waitingStarted));
		await().atMost(Duration.ofSeconds(10)).until(() -> waitedNanos.get() != null);
		Throwable timeoutFailure = failureOf(waiting);
		held.release(PING);
		Reply held1 = holder.join();
		Reply afterFree = client.requestBlocking("echo", PING);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> client.stats().inUse() == 0 && client.stats().pendingAcquires() == 0);
		long limitFailures = refused.stream()
			.filter((call) -> failureOf(call) instanceof PendingAcquireLimitException)
			.count();
		figures.put("acquireTimeoutMs", acquireTimeout.toMillis())
			.put("timeoutFailures", (timeoutFailure instanceof PendingAcquireTimeoutException) ? 1 : 0)
			.put("timeoutFailureLatencyMs", millis(waitedNanos.get()))
			.put("limitFailures", limitFailures)
			.put("limitFailureLatencyMaxUs", TimeUnit.NANOSECONDS.toMicros(Math.max(refusedNanos[0], refusedNanos[1])))
			.put("holderSucceeded", held1 != null)
			.put("succeededAfterSlotFreed", afterFree.payload().length == PING.length)
			.put("poolInUseAfter", client.stats().inUse())
			.put("poolPendingAfter", client.stats().pendingAcquires());
		assertThat(timeoutFailure).isInstanceOf(PendingAcquireTimeoutException.class)
			.hasMessageEndingWith("pending for more than the configured timeout of 30ms");
		assertThat(millis(waitedNanos.get())).isGreaterThanOrEqualTo(acquireTimeout.toMillis())
			.isLessThan(acquireTimeout.toMillis() + 2000);
		assertThat(refused)
			.allSatisfy((call) -> assertThat(failureOf(call)).isInstanceOf(PendingAcquireLimitException.class)
				.hasMessageContaining("Pending acquire queue has reached its maximum size of 1"));
		assertThat(afterFree.payload()).isEqualTo(PING);
	}

	@Scenario(id = "S21",
			promise = "An answer that comes after its request timed out, and an answer with an id "
					+ "never used, are dropped, released and counted; the connection stays open and no other call is "
					+ "completed by mistake")
	void lateAndUnknownAnswersAreDropped(ScenarioFigures figures) {
		AtomicReference<Channel> serverSide = new AtomicReference<>();
		// Answered long after the call's 50 ms timeout, so that even a stalled client
		// sees the timeout first
		FastnetServer server = startServer(echo()
			.route("late",
					(request) -> CompletableFuture.supplyAsync(() -> PING,
							CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)))
			.build(), (config) -> {
			}, (builder) -> builder.pipelineCustomizer((pipeline) -> serverSide.set(pipeline.channel())));
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(PoolOptions.builder().maxConnections(1).build()));
		assertThat(client.requestBlocking("echo", PING).payload()).isEqualTo(PING);
		CompletableFuture<Reply> late = client.request("late", Map.of(), PING, Duration.ofMillis(50));
		List<CompletableFuture<Reply>> others = new ArrayList<>();
		List<byte[]> sent = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			byte[] payload = ("call-" + i).getBytes(StandardCharsets.UTF_8);
			sent.add(payload);
			others.add(client.request("echo", payload));
			if (i == 19) {
				await().atMost(Duration.ofSeconds(10)).until(() -> client.endpoints().get(0).lateResponses() == 1);
				// An answer for an id no request ever had
				serverSide.get()
					.writeAndFlush(Unpooled
						.wrappedBuffer(RawClient.encode(RawClient.RESPONSE, 0x0BADF00D, "", Map.of(), PING)));
				await().atMost(Duration.ofSeconds(10)).until(() -> client.endpoints().get(0).unknownResponses() == 1);
			}
		}
		CompletableFuture.allOf(others.toArray(new CompletableFuture<?>[0])).handle((result, ex) -> null).join();
		int misCorrelated = 0;
		for (int i = 0; i < others.size(); i++) {
			Throwable failure = failureOf(others.get(i));
			if (failure != null || !Arrays.equals(others.get(i).join().payload(), sent.get(i))) {
				misCorrelated++;
			}
		}
		EndpointStats endpoint = client.endpoints().get(0);
		figures.put("lateResponses", endpoint.lateResponses())
			.put("unknownResponses", endpoint.unknownResponses())
			.put("lateCallFailedWithTimeout", failureOf(late) instanceof FastnetTimeoutException)
			.put("otherCalls", others.size())
			.put("misCorrelated", misCorrelated)
			.put("connectionsAccepted", server.stats().connectionsAccepted())
			.put("connectionsOpen", server.stats().connectionsOpen())
			.put("leakReports", leakReports());
		assertThat(failureOf(late)).isInstanceOf(FastnetTimeoutException.class);
		assertThat(endpoint.lateResponses()).isOne();
		assertThat(endpoint.unknownResponses()).isOne();
		assertThat(misCorrelated).isZero();
		assertThat(server.stats().connectionsAccepted()).isOne();
		assertThat(server.stats().connectionsOpen()).isOne();
		assertThat(leakReports()).isZero();
	}

	private static Routes.Builder echo() {
		return Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload());
	}

}
