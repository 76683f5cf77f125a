package dev.fastnet.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.session.Session;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the per-endpoint connection pool of {@link FastnetClient}:
 * limits, waiting calls, eager and idle connections, pings and eviction.
 */
class PoolIntegrationTests extends ClientTestSupport {

	private final List<CompletableFuture<Object>> held = new ArrayList<>();

	private Routes routes() {
		return Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("slow", (request) -> {
				Thread.sleep(Long.parseLong(request.payloadString()));
				return "slept";
			})
			.route("hold", Execution.EVENT_LOOP, (request) -> {
				CompletableFuture<Object> answer = new CompletableFuture<>();
				synchronized (this.held) {
					this.held.add(answer);
				}
				return answer;
			})
			.build();
	}

	private int heldCount() {
		synchronized (this.held) {
			return this.held.size();
		}
	}

	private void releaseHeld() {
		synchronized (this.held) {
			this.held.forEach((answer) -> answer.complete("released"));
		}
	}

	@Test
	void exhaustedPoolTimesOutOneWaiterAndRejectsBeyondThePendingLimitAtOnce() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().minIdle(1)
					.maxConnections(1)
					.maxInFlightPerConnection(1)
					.maxPendingAcquires(1)
					.acquireTimeout(Duration.ofMillis(30))
					.build()));
		// Acquiring includes connecting: warm the pool so that only waiting is measured
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().idle() == 1);
		CompletableFuture<Reply> holder = client.request("hold", bytes(""));
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		long start = System.nanoTime();
		CompletableFuture<Reply> waiter = client.request("echo", bytes("waiter"));
		CompletableFuture<Long> waiterLatency = waiter.handle((reply, ex) -> System.nanoTime() - start);
		long rejectStart = System.nanoTime();
		CompletableFuture<Reply> rejected = client.request("echo", bytes("rejected"));
		long rejectLatency = System.nanoTime() - rejectStart;
		assertThat(rejected).isCompletedExceptionally();
		// Rejected synchronously, inside the call (the bound only absorbs class loading
		// on first use)
		assertThat(Duration.ofNanos(rejectLatency)).isLessThan(Duration.ofMillis(50));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(rejected::get)
			.havingCause()
			.isInstanceOf(PendingAcquireLimitException.class)
			.withMessageStartingWith("Pending acquire queue has reached its maximum size of 1");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiter.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(PendingAcquireTimeoutException.class)
			.withMessageEndingWith("pending for more than the configured timeout of 30ms");
		assertThat(Duration.ofNanos(waiterLatency.get())).isBetween(Duration.ofMillis(30), Duration.ofMillis(180));
		assertThat(holder).isNotDone();
		releaseHeld();
		assertThat(holder.get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("released");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			ClientStats stats = client.stats();
			assertThat(stats.inUse()).isZero();
			assertThat(stats.pendingAcquires()).isZero();
			assertThat(stats.requestsFailed()).isEqualTo(2);
		});
		assertThat(client.stats().open()).isEqualTo(1);
	}

	@Test
	void waitingCallIsServedWhenASlotFrees() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().minIdle(1).maxConnections(1).maxInFlightPerConnection(1).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().idle() == 1);
		CompletableFuture<Reply> holder = client.request("hold", bytes(""));
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		CompletableFuture<Reply> waiter = client.request("echo", bytes("next"));
		assertThat(client.stats().pendingAcquires()).isEqualTo(1);
		assertThat(waiter).isNotDone();
		releaseHeld();
		assertThat(waiter.get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("next");
		assertThat(holder).isCompletedWithValueMatching((reply) -> reply.payloadString().equals("released"));
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.pendingAcquires()).isZero();
		assertThat(stats.acquireCount()).isEqualTo(2);
		assertThat(stats.meanAcquireNanos()).isPositive();
		assertThat(server.stats().connectionsAccepted()).isEqualTo(1);
	}

	@Test
	void fullConnectionsMakeThePoolOpenTheNextOneUpToTheMaximum() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().maxConnections(3).maxInFlightPerConnection(2).build()));
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			calls.add(client.request("hold", bytes("")));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 6);
		ClientStats stats = client.stats();
		assertThat(stats.open()).isEqualTo(3);
		assertThat(stats.inFlight()).isEqualTo(6);
		assertThat(stats.pendingAcquires()).isEqualTo(1);
		assertThat(server.sessions()).hasSize(3);
		releaseHeld();
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 7);
		releaseHeld();
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		assertThat(server.stats().connectionsAccepted()).isEqualTo(3);
	}

	@Test
	void minIdleConnectionsAreOpenedEagerly() {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> config.pool(pool().minIdle(3).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 3);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			EndpointStats stats = client.endpoints().get(0);
			assertThat(stats.open()).isEqualTo(3);
			assertThat(stats.idle()).isEqualTo(3);
			assertThat(stats.connectAttempts()).isEqualTo(3);
		});
	}

	@Test
	void idleConnectionClosedByTheServerIsNeverHandedOut() {
		FastnetServer server = startServer(routes(), (config) -> config.idleTimeout(Duration.ofMillis(300)));
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().pingInterval(Duration.ZERO).build()));
		assertThat(client.requestBlocking("echo", bytes("1")).payloadString()).isEqualTo("1");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connectionsIdleClosed() == 1);
		assertThat(client.requestBlocking("echo", bytes("2")).payloadString()).isEqualTo("2");
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.requestsFailed()).isZero();
		assertThat(stats.connectAttempts()).isEqualTo(2);
	}

	@Test
	void deadIdlePooledConnectionsAreReplacedWithoutFailures() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().minIdle(4).maxConnections(4).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 4);
		for (Session session : List.copyOf(server.sessions())) {
			session.close().get(5, TimeUnit.SECONDS);
		}
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			calls.add(client.request("echo", bytes(Integer.toString(i))));
		}
		for (int i = 0; i < 100; i++) {
			assertThat(calls.get(i).get(5, TimeUnit.SECONDS).payloadString()).isEqualTo(Integer.toString(i));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 4);
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.requestsFailed()).isZero();
		assertThat(stats.connectAttempts()).isEqualTo(8);
		assertThat(server.stats().connectionsAccepted()).isEqualTo(8);
	}

	@Test
	void idleConnectionsArePingedBeforeTheServersIdleTimeoutCanCloseThem() {
		// The server also enforces a minimum PING interval, below the client's ping
		// interval
		FastnetServer server = startServer(routes(),
				(config) -> config.idleTimeout(Duration.ofMillis(400))
					.minPingInterval(Duration.ofMillis(50))
					.maxPingStrikes(0));
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().pingInterval(Duration.ofMillis(100)).build()));
		client.requestBlocking("echo", bytes("1"));
		await().during(Duration.ofMillis(1200))
			.atMost(Duration.ofSeconds(3))
			.until(() -> server.sessions().size() == 1 && server.stats().connectionsIdleClosed() == 0);
		assertThat(server.stats().connectionsClosedForPingAbuse()).isZero();
		client.requestBlocking("echo", bytes("2"));
		assertThat(client.endpoints().get(0).connectAttempts()).isEqualTo(1);
	}

	@Test
	void connectionsIdleBeyondMaxIdleTimeAreClosedDownToMinIdle() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().minIdle(1)
					.maxConnections(3)
					.maxInFlightPerConnection(1)
					.maxIdleTime(Duration.ofMillis(300))
					.build()));
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			calls.add(client.request("hold", bytes("")));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 3);
		assertThat(client.stats().open()).isEqualTo(3);
		releaseHeld();
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().open() == 1);
		await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> client.stats().open() == 1);
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.connectionsEvicted()).isEqualTo(2);
		assertThat(server.sessions()).hasSize(1);
		assertThat(client.requestBlocking("echo", bytes("still")).payloadString()).isEqualTo("still");
	}

	@Test
	void connectionWhosePingIsNotAnsweredIsEvictedAndItsRequestsFail() throws Exception {
		AtomicInteger pings = new AtomicInteger();
		ScriptedServer server = startScripted((peer, frame) -> {
			// Answers the first PING only, and no request: a connection that went silent
			if (frame.type() == RawClient.PING && pings.incrementAndGet() == 1) {
				peer.pong();
			}
			return true;
		});
		FastnetClient client = client(server.address(), (config) -> config
			.pool(pool().pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(200)).build()));
		long start = System.nanoTime();
		assertThatExceptionOfType(ConnectionClosedException.class)
			.isThrownBy(() -> client.requestBlocking("x", bytes("")))
			.withMessageContaining("PING was not answered within 200 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.connectionsEvicted()).isEqualTo(1);
		assertThat(stats.state()).isEqualTo(EndpointState.UP);
	}

}
