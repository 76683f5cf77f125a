package dev.fastnet.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} graceful stop, drain and resume over real
 * loopback sockets.
 */
class GracefulShutdownIntegrationTests extends ServerIntegrationTestSupport {

	@Test
	void gracefulStopAnswersEveryRequestInFlightAndRefusesNewOnesWith503() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "done-" + request.id();
		}).build(), (config) -> config.workers(new WorkerPoolOptions(16, 1000, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
		for (int id = 1; id <= 500; id++) {
			burst.writeBytes(RawClient.encode(RawClient.REQUEST, id, "slow", Map.of(), new byte[0]));
		}
		client.send(burst.toByteArray());
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 500);
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		assertThat(server.shutdownGracefully(Duration.ofSeconds(1))).isSameAs(stopped);
		RawFrame goAway = client.read();
		assertThat(goAway.type()).isEqualTo(RawClient.GOAWAY);
		assertThat(goAway.id()).isZero();
		// New connections are refused at the network layer
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> RawClient.connect(server.port()).close());
		client.request(501, "slow", "");
		RawFrame refused = client.read();
		assertThat(refused.id()).isEqualTo(501);
		assertThat(refused.errorStatus()).isEqualTo(503);
		assertThat(refused.errorMessage()).isEqualTo("Server is shutting down");
		release.countDown();
		Set<Integer> answered = new HashSet<>();
		for (int i = 0; i < 500; i++) {
			RawFrame frame = client.read();
			assertThat(frame.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(frame.payloadString()).isEqualTo("done-" + frame.id());
			answered.add(frame.id());
		}
		assertThat(answered).hasSize(500);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.state()).isEqualTo(FastnetServer.State.STOPPED);
	}

	@Test
	void requestRefusedWhileDrainingIsAnsweredOnlyAfterTheConnectionsGoAway() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("gate", Execution.EVENT_LOOP, (request) -> {
			// Holds the event loop in the middle of a read: the second request is already
			// buffered
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			return "passed";
		}).build());
		RawClient client = connect(server);
		java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
		both.writeBytes(RawClient.encode(RawClient.REQUEST, 1, "gate", Map.of(), new byte[0]));
		both.writeBytes(RawClient.encode(RawClient.REQUEST, 2, "gate", Map.of(), new byte[0]));
		client.send(both.toByteArray());
		assertThat(awaitLatch(entered)).isTrue();
		// Draining starts while the event loop is busy, so the GOAWAY task queues behind
		// the read
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		release.countDown();
		List<RawFrame> frames = new ArrayList<>();
		RawFrame frame;
		do {
			frame = client.read();
			frames.add(frame);
		}
		while (frame.type() != RawClient.ERROR);
		assertThat(frame.id()).isEqualTo(2);
		assertThat(frame.errorStatus()).isEqualTo(503);
		assertThat(frame.errorMessage()).isEqualTo("Server is shutting down");
		assertThat(frames).extracting(RawFrame::type)
			.as("frames before the 503")
			.containsExactly(RawClient.RESPONSE, RawClient.GOAWAY, RawClient.ERROR);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void requestsAPeerWritesBeforeItReadsTheGoAwayAreAllAnsweredBeforeTheConnectionCloses() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "done";
		}).build());
		RawClient client = connect(server);
		client.request(1, "slow", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		Map<Integer, RawFrame> answers = new java.util.concurrent.ConcurrentHashMap<>();
		List<Integer> goAwaysBefore = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
			try {
				while (true) {
					RawFrame frame = client.read();
					if (frame.type() == RawClient.GOAWAY) {
						goAwaysBefore.add(answers.size());
					}
					else {
						assertThat(answers.put(frame.id(), frame)).as("second answer to " + frame.id()).isNull();
					}
				}
			}
			catch (IOException ex) {
				// End of stream or reset: the server closed the connection
			}
		});
		long start = System.nanoTime();
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		// The peer goes on writing as if it had not read the GOAWAY yet, also after the
		// last
		// request in flight is answered, which is when the server used to close the
		// connection
		List<Integer> written = new ArrayList<>();
		written.add(1);
		for (int id = 2; id <= 400; id++) {
			if (id == 200) {
				release.countDown();
				await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 0);
			}
			try {
				client.request(id, "slow", "");
			}
			catch (IOException ex) {
				break;
			}
			written.add(id);
		}
		assertThat(closed).succeedsWithin(Duration.ofSeconds(10));
		assertThat(written).hasSize(400);
		assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(written);
		assertThat(answers.get(1).type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answers.values()).filteredOn((frame) -> frame.id() != 1)
			.allSatisfy((frame) -> assertThat(frame.errorStatus()).isEqualTo(503));
		assertThat(goAwaysBefore).containsExactly(0);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		// Closed once idle for the linger time, well before the grace ends
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
	}

	@Test
	void drainedServerRefusesRequestsUntilResumed() throws Exception {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.request(1, "echo", "before");
		assertThat(client.read().payloadString()).isEqualTo("before");
		assertThat(server.drain()).isTrue();
		assertThat(server.drain()).isFalse();
		assertThat(server.state()).isEqualTo(FastnetServer.State.DRAINING);
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		client.request(2, "echo", "while drained");
		assertThat(client.read().errorStatus()).isEqualTo(503);
		// New connections are refused, so that clients back off rather than reconnect per
		// call
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> RawClient.connect(server.port()).close());
		int port = server.port();
		assertThat(server.resume()).isTrue();
		assertThat(server.port()).isEqualTo(port);
		assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
		RawClient fresh = connect(server);
		fresh.request(3, "echo", "after");
		RawFrame answer = fresh.read();
		assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answer.payloadString()).isEqualTo("after");
		// A stop cannot be undone
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(5));
		assertThat(server.resume()).isFalse();
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
	}

	@Test
	void gracefulStopEndsAfterTheGraceWhenRequestsHang() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("hang", (request) -> {
			never.await(30, TimeUnit.SECONDS);
			return "late";
		}).build(), (config) -> config.requestTimeout(Duration.ZERO));
		RawClient client = connect(server);
		client.request(1, "hang", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		long start = System.nanoTime();
		GracefulShutdownResult result = server.stop(Duration.ofMillis(300));
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(result).isEqualTo(GracefulShutdownResult.REQUESTS_ACTIVE);
		assertThat(elapsedMillis).isBetween(250L, 5000L);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
	}

}
