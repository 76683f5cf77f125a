package dev.fastnet.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} keep-alive over real loopback sockets: PING
 * strikes and idle connections.
 */
class KeepAliveIntegrationTests extends ServerIntegrationTestSupport {

	@Test
	void peerPingingFasterThanAllowedIsForgivenTwiceThenSentGoAwayAndClosed() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.minPingInterval(Duration.ofSeconds(10)));
		RawClient client = connect(server);
		byte[] ping = RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]);
		java.io.ByteArrayOutputStream pings = new java.io.ByteArrayOutputStream();
		for (int i = 0; i < 10; i++) {
			pings.writeBytes(ping);
		}
		client.send(pings.toByteArray());
		// The first is accepted, the next two are strikes forgiven, the fourth ends the
		// connection
		for (int i = 0; i < 3; i++) {
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.stats().connectionsClosedForPingAbuse()).isEqualTo(1);
	}

	@Test
	void pingsWhileRequestsAreInFlightOrAfterAnAnswerAreNoStrikes() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("slow", (request) -> {
				release.await(10, TimeUnit.SECONDS);
				return "done";
			})
			.build(), (config) -> config.minPingInterval(Duration.ofSeconds(10)).maxPingStrikes(0));
		RawClient client = connect(server);
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		for (int i = 1; i <= 3; i++) {
			client.request(i, "echo", "x");
			assertThat(client.read().type()).isEqualTo(RawClient.RESPONSE);
			client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		client.request(4, "slow", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		for (int i = 0; i < 3; i++) {
			client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		release.countDown();
		assertThat(client.read().payloadString()).isEqualTo("done");
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		assertThat(server.stats().connectionsClosedForPingAbuse()).isZero();
		// With nothing else going on, the next one is a strike, and none is forgiven here
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.stats().connectionsClosedForPingAbuse()).isEqualTo(1);
	}

	@Test
	void idleConnectionIsClosedButPingKeepsASessionAlive() throws IOException {
		List<String> events = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(),
				(config) -> config.idleTimeout(Duration.ofMillis(300)).minPingInterval(Duration.ZERO),
				(builder) -> builder.sessionListener(new SessionListener() {
					@Override
					public void onIdle(Session session) {
						events.add("idle");
					}
				}));
		RawClient pinging = connect(server);
		RawClient silent = connect(server);
		long start = System.nanoTime();
		CompletableFuture<Boolean> silentClosed = CompletableFuture.supplyAsync(() -> {
			try {
				return silent.isClosedByPeer(Duration.ofSeconds(5));
			}
			catch (IOException ex) {
				return false;
			}
		});
		// Ping every 50 ms until the silent connection is closed: pings keep the other
		// one alive
		int pings = 0;
		while (!silentClosed.isDone()) {
			pinging.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(pinging.read().type()).isEqualTo(RawClient.PONG);
			pings++;
			try {
				silentClosed.get(50, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
				// still open: ping again
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		assertThat(silentClosed.join()).isTrue();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
		assertThat(pings).isGreaterThan(1);
		pinging.request(1, "echo", "alive");
		assertThat(pinging.read().payloadString()).isEqualTo("alive");
		assertThat(events).containsExactly("idle");
		assertThat(server.stats().connectionsIdleClosed()).isEqualTo(1);
	}

}
