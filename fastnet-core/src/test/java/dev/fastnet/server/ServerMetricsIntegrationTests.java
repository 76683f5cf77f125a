package dev.fastnet.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.test.RawClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for what a {@link FastnetServer} counts and times per request: its
 * {@link ServerStats} and the calls to its {@link FastnetMetricsRecorder}.
 */
class ServerMetricsIntegrationTests extends ServerIntegrationTestSupport {

	private final AtomicInteger started = new AtomicInteger();

	private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

	private final FastnetMetricsRecorder recorder = new FastnetMetricsRecorder() {

		@Override
		public Object serverRequestStarted(String route, Map<String, String> headers) {
			return route + "#" + ServerMetricsIntegrationTests.this.started.incrementAndGet();
		}

		@Override
		public void serverRequest(@Nullable Object request, String route, int status, long durationNanos) {
			ServerMetricsIntegrationTests.this.finished.add(new Finished(request, route, status, durationNanos));
		}

	};

	@Test
	void everyRequestIsTimedOnceWithItsRouteItsStatusAndTheStateItStartedWith() throws IOException {
		FastnetServer server = start(Routes.builder()
			.route("loop", Execution.EVENT_LOOP, (request) -> "ok")
			.route("worker", Execution.PLATFORM, (request) -> "ok")
			.route("boom", (request) -> {
				throw new IllegalStateException("boom");
			})
			.route("fire", (request) -> null)
			.build(), (config) -> {
			}, (builder) -> builder.metricsRecorder(this.recorder));
		RawClient client = connect(server);
		client.request(1, "loop", "");
		assertThat(client.read().payloadString()).isEqualTo("ok");
		client.request(2, "worker", "");
		assertThat(client.read().payloadString()).isEqualTo("ok");
		client.request(3, "boom", "");
		assertThat(client.read().errorStatus()).isEqualTo(500);
		client.request(4, "missing", "");
		assertThat(client.read().errorStatus()).isEqualTo(404);
		client.send(RawClient.ONEWAY, 0, "fire", Map.of(), new byte[0]);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.finished.size() == 5 && server.inFlight() == 0);
		assertThat(this.finished).extracting(Finished::route, Finished::status)
			.containsExactlyInAnyOrder(tuple("loop", FastnetMetricsRecorder.STATUS_OK),
					tuple("worker", FastnetMetricsRecorder.STATUS_OK), tuple("boom", 500),
					tuple(FastnetMetricsRecorder.UNKNOWN_ROUTE, 404),
					tuple("fire", FastnetMetricsRecorder.STATUS_ONEWAY));
		assertThat(this.finished).extracting(Finished::request).doesNotHaveDuplicates();
		assertThat(this.finished).allSatisfy((request) -> {
			assertThat(request.request()).asString().startsWith(request.route() + "#");
			assertThat(request.durationNanos()).isNotNegative();
		});
		assertThat(this.started).hasValue(5);
		ServerStats stats = server.stats();
		assertThat(stats.requestsOk()).isEqualTo(2);
		assertThat(stats.onewayHandled()).isEqualTo(1);
		assertThat(stats.errors(Status.INTERNAL)).isEqualTo(1);
		assertThat(stats.errors(Status.NOT_FOUND)).isEqualTo(1);
		assertThat(stats.clientGone()).isZero();
	}

	@Test
	void requestWhosePeerLeftBeforeItsAnswerIsTimedAsClientGone() throws Exception {
		CountDownLatch handling = new CountDownLatch(1);
		CountDownLatch answer = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("slow", Execution.PLATFORM, (request) -> {
			handling.countDown();
			assertThat(answer.await(10, TimeUnit.SECONDS)).isTrue();
			return "too late";
		}).build(), (config) -> {
		}, (builder) -> builder.metricsRecorder(this.recorder));
		RawClient client = connect(server);
		client.request(1, "slow", "");
		assertThat(awaitLatch(handling)).isTrue();
		client.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessions().isEmpty());
		answer.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.finished.size() == 1 && server.inFlight() == 0);
		assertThat(this.finished).singleElement().satisfies((request) -> {
			assertThat(request.route()).isEqualTo("slow");
			assertThat(request.status()).isEqualTo(FastnetMetricsRecorder.STATUS_CLIENT_GONE);
			assertThat(request.request()).isEqualTo("slow#1");
		});
		assertThat(server.stats().clientGone()).isEqualTo(1);
		assertThat(server.stats().requestsOk()).isZero();
	}

	private record Finished(@Nullable Object request, String route, int status, long durationNanos) {

	}

}
