package dev.fastnet.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.Status;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} over real loopback sockets: a full worker
 * queue, request timeouts and requests whose deadline has passed.
 */
class RequestLimitsIntegrationTests extends ServerIntegrationTestSupport {

	@Test
	void fullWorkerQueueIsAnswered503Immediately() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			started.incrementAndGet();
			release.await(10, TimeUnit.SECONDS);
			return "ok";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(2, 4, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		for (int id = 1; id <= 50; id++) {
			client.request(id, "slow", "");
		}
		List<RawFrame> refused = new ArrayList<>();
		for (int i = 0; i < 44; i++) {
			refused.add(client.read());
		}
		assertThat(refused).allSatisfy((frame) -> {
			assertThat(frame.type()).isEqualTo(RawClient.ERROR);
			assertThat(frame.errorStatus()).isEqualTo(503);
			assertThat(frame.errorMessage()).isEqualTo("Server is overloaded: worker queue is full");
		});
		release.countDown();
		Set<Integer> answered = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			RawFrame frame = client.read();
			assertThat(frame.type()).isEqualTo(RawClient.RESPONSE);
			answered.add(frame.id());
		}
		assertThat(answered).hasSize(6);
		assertThat(started.get()).isEqualTo(6);
		assertThat(server.stats().errors(Status.UNAVAILABLE)).isEqualTo(44);
		assertThat(server.stats().workerRejected()).isEqualTo(44);
	}

	@Test
	void requestTimeoutIsAnswered408AndTheWorkerIsInterrupted() throws Exception {
		CountDownLatch interrupted = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("hang", (request) -> {
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			return "never";
		}).build(), (config) -> config.requestTimeout(Duration.ofMillis(200)));
		RawClient client = connect(server);
		long start = System.nanoTime();
		client.request(4, "hang", "");
		RawFrame answer = client.read();
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(answer.id()).isEqualTo(4);
		assertThat(answer.errorStatus()).isEqualTo(408);
		assertThat(answer.errorMessage()).isEqualTo("Request timed out after 200 ms");
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(190);
		assertThat(awaitLatch(interrupted)).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.stats().lateResults() == 1 && server.stats().workersActive() == 0);
		assertThat(server.inFlight()).isZero();
	}

	@Test
	void expiredDeadlineIsAnswered504WithoutRunningTheHandler() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger deadlineHandlerRuns = new AtomicInteger();
		FastnetServer server = start(Routes.builder().route("block", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "ok";
		}).route("work", (request) -> {
			deadlineHandlerRuns.incrementAndGet();
			return "ran";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(1, 16, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		client.request(1, "block", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().workersActive() == 1);
		long sent = System.nanoTime();
		client.send(RawClient.REQUEST, 2, "work", Map.of("timeout-ms", "20"), new byte[0]);
		client.send(RawClient.REQUEST, 3, "work", Map.of("timeout-ms", "60000"), new byte[0]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().workerQueueSize() == 2);
		// The 20 ms budget runs out while the request waits in the queue
		await().atMost(Duration.ofSeconds(1)).until(() -> System.nanoTime() - sent > TimeUnit.MILLISECONDS.toNanos(40));
		release.countDown();
		Map<Integer, RawFrame> answers = new java.util.HashMap<>();
		for (int i = 0; i < 3; i++) {
			RawFrame frame = client.read();
			answers.put(frame.id(), frame);
		}
		assertThat(answers.get(2).errorStatus()).isEqualTo(504);
		assertThat(answers.get(3).payloadString()).isEqualTo("ran");
		assertThat(deadlineHandlerRuns.get()).isEqualTo(1);
		assertThat(server.stats().errors(Status.DEADLINE_EXPIRED)).isEqualTo(1);
	}

	@Test
	void invalidTimeoutHeaderIsAnswered400() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.send(RawClient.REQUEST, 6, "echo", Map.of("timeout-ms", "soon"), new byte[0]);
		RawFrame answer = client.read();
		assertThat(answer.errorStatus()).isEqualTo(400);
		assertThat(answer.errorMessage()).isEqualTo("Invalid timeout-ms header: soon");
	}

}
