package dev.fastnet.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.worker.WorkerPoolOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which connection of a pool a call gets: the answering connection for a call made in an
 * answer's callback, and every connection of a large pool when calls fill them.
 */
class AcquireIntegrationTests extends ClientTestSupport {

	private static Routes sessionRoutes() {
		// Answers with the id of the server session the request arrived on
		return Routes.builder()
			.route("session", Execution.EVENT_LOOP, (request) -> Long.toString(request.session().id()))
			.build();
	}

	@Test
	void callsMadeInAnswerCallbacksStayOnTheAnsweringConnection() throws Exception {
		FastnetServer server = startServer(sessionRoutes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(PoolOptions.builder().minIdle(4).maxConnections(4).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> client.endpoints().get(0).open() == 4);
		List<String> answering = new ArrayList<>();
		List<String> sessions = new ArrayList<>();
		CompletableFuture<Void> done = new CompletableFuture<>();
		chain(client, 50, 1000, null, answering, sessions, done);
		done.get(10, TimeUnit.SECONDS);
		// Every call made while an answer's callback runs on the client's I/O thread took
		// the answering connection
		assertThat(sessions).hasSize(50).isEqualTo(answering);
	}

	/**
	 * Make calls one after the other, each from the callback of the one before. Until a
	 * callback runs on the client's I/O thread the chain is not counted: a callback runs
	 * on the caller's thread when the answer came before it was added, which a slow
	 * caller cannot rule out. From then on every call is made in an answer's callback and
	 * its session is recorded.
	 */
	private void chain(FastnetClient client, int left, int triesLeft, @Nullable String answeringSession,
			List<String> answering, List<String> sessions, CompletableFuture<Void> done) {
		client.request("session", new byte[0]).whenComplete((reply, failure) -> {
			if (failure != null) {
				done.completeExceptionally(failure);
				return;
			}
			boolean inAnswerCallback = Thread.currentThread().getName().startsWith("fastnet-client-");
			if (answeringSession != null) {
				answering.add(answeringSession);
				sessions.add(reply.payloadString());
			}
			if (sessions.size() == left) {
				done.complete(null);
			}
			else if (answeringSession == null && !inAnswerCallback && triesLeft == 0) {
				done.completeExceptionally(new IllegalStateException("No answer's callback ran on an I/O thread"));
			}
			else {
				chain(client, left, triesLeft - 1,
						(inAnswerCallback || answeringSession != null) ? reply.payloadString() : null, answering,
						sessions, done);
			}
		});
	}

	@Test
	void callsFillEveryConnectionOfALargePool() throws Exception {
		int connections = 32;
		// Every call is held until all are in flight, so that the pool had to use each
		// slot
		CountDownLatch allArrived = new CountDownLatch(connections * 2);
		FastnetServer server = startServer(Routes.builder().route("slow", (request) -> {
			allArrived.countDown();
			if (!allArrived.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Not every call reached the server");
			}
			return Long.toString(request.session().id());
		}).build(), (config) -> config.workers(new WorkerPoolOptions(64, 1000, 1, "fastnet-worker-")));
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(PoolOptions.builder()
					.minIdle(connections)
					.maxConnections(connections)
					.maxInFlightPerConnection(2)
					.build()));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.endpoints().get(0).open() == connections);
		// Exactly the pool's capacity: a call finds room only if acquire looks past two
		// full connections
		List<CompletableFuture<Reply>> calls = new ArrayList<>();
		for (int i = 0; i < connections * 2; i++) {
			calls.add(client.request("slow", "x".getBytes(StandardCharsets.UTF_8)));
		}
		Set<String> sessions = ConcurrentHashMap.newKeySet();
		for (CompletableFuture<Reply> call : calls) {
			sessions.add(call.get(10, TimeUnit.SECONDS).payloadString());
		}
		assertThat(sessions).hasSize(connections);
		assertThat(client.endpoints().get(0).pendingAcquires()).isZero();
	}

}
