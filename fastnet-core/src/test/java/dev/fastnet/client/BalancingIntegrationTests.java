package dev.fastnet.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for balancing calls over several endpoints, skipping unhealthy ones,
 * and replacing the endpoint list at runtime.
 */
class BalancingIntegrationTests extends ClientTestSupport {

	private final List<CompletableFuture<Object>> held = new ArrayList<>();

	private Routes named(String name) {
		return Routes.builder()
			.route("who", Execution.EVENT_LOOP, (request) -> name)
			.route("hold", Execution.EVENT_LOOP, (request) -> {
				CompletableFuture<Object> answer = new CompletableFuture<>();
				synchronized (this.held) {
					this.held.add(answer);
				}
				return answer;
			})
			.build();
	}

	private Routes holding(String name) {
		return Routes.builder().route("work", Execution.EVENT_LOOP, (request) -> {
			CompletableFuture<Object> answer = new CompletableFuture<>();
			synchronized (this.held) {
				this.held.add(answer);
			}
			return answer.thenApply((ignored) -> name);
		}).build();
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

	private static EndpointStats statsOf(FastnetClient client, int port) {
		return client.endpoints()
			.stream()
			.filter((stats) -> stats.address().getPort() == port)
			.findFirst()
			.orElseThrow();
	}

	@Test
	void withOneOfTwoEndpointsDownEveryCallSucceedsOnTheOtherAndTheDownOneRejoins() throws Exception {
		FastnetServer a = startServer(named("a"));
		HeldPort down = holdPort();
		int downPort = down.port();
		FastnetClient client = client(List.of(addressOf(a), down.address()),
				(config) -> config.reconnect(ReconnectOptions.builder()
					.initialBackoff(Duration.ofMillis(50))
					.maxBackoff(Duration.ofMillis(200))
					.failureThreshold(3)
					.circuitCoolDown(Duration.ofMillis(300))
					.build()),
				(builder) -> {
				});
		for (int i = 0; i < 300; i++) {
			assertThat(client.requestBlocking("who", bytes("")).payloadString()).isEqualTo("a");
		}
		EndpointStats downStats = statsOf(client, downPort);
		assertThat(downStats.state()).isNotEqualTo(EndpointState.UP);
		assertThat(downStats.connectFailures()).isPositive();
		assertThat(downStats.requestsFailed()).isZero();
		assertThat(client.stats().requestsFailed()).isZero();
		down.close();
		startServer(named("b"), (config) -> config.port(downPort));
		// Traffic keeps probing the endpoint in the background until it is back in
		// rotation
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			client.requestBlocking("who", bytes(""));
			return statsOf(client, downPort).requestsOk() > 0;
		});
		assertThat(statsOf(client, downPort).state()).isEqualTo(EndpointState.UP);
		assertThat(client.stats().requestsFailed()).isZero();
	}

	@Test
	void roundRobinSendsEachCallToTheNextEndpoint() {
		FastnetServer a = startServer(named("a"));
		FastnetServer b = startServer(named("b"));
		FastnetClient client = client(List.of(addressOf(a), addressOf(b)),
				(config) -> config.balancing(Balancing.ROUND_ROBIN), (builder) -> {
				});
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			answers.add(client.requestBlocking("who", bytes("")).payloadString());
		}
		assertThat(answers).filteredOn("a"::equals).hasSize(50);
		for (int i = 1; i < answers.size(); i++) {
			assertThat(answers.get(i)).isNotEqualTo(answers.get(i - 1));
		}
	}

	@Test
	void leastOutstandingAvoidsTheEndpointWithRequestsInFlight() throws Exception {
		FastnetServer slow = startServer(holding("slow"));
		FastnetServer fast = startServer(
				Routes.builder().route("work", Execution.EVENT_LOOP, (request) -> "fast").build());
		FastnetClient client = client(List.of(addressOf(slow), addressOf(fast)),
				(config) -> config.balancing(Balancing.LEAST_OUTSTANDING), (builder) -> {
				});
		for (int i = 0; i < 50; i++) {
			int heldBefore = heldCount();
			CompletableFuture<Reply> call = client.request("work", bytes(""));
			// Each call either is answered by the fast endpoint or stays in flight on the
			// slow one
			await().atMost(Duration.ofSeconds(5))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(1))
				.until(() -> call.isDone() || heldCount() > heldBefore);
		}
		assertThat(heldCount()).isLessThanOrEqualTo(1);
		assertThat(statsOf(client, fast.port()).requestsOk()).isGreaterThanOrEqualTo(49);
		releaseHeld();
	}

	@Test
	void replacingTheEndpointsDrainsRemovedOnesGracefully() throws Exception {
		FastnetServer a = startServer(named("a"));
		FastnetServer b = startServer(named("b"));
		FastnetClient client = client(List.of(addressOf(a)), (config) -> {
		}, (builder) -> {
		});
		CompletableFuture<Reply> inFlight = client.request("hold", bytes(""));
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		client.updateEndpoints(List.of(addressOf(b)));
		assertThat(client.endpoints()).extracting(EndpointStats::address).containsExactly(addressOf(b));
		for (int i = 0; i < 10; i++) {
			assertThat(client.requestBlocking("who", bytes("")).payloadString()).isEqualTo("b");
		}
		assertThat(a.sessions()).hasSize(1);
		assertThat(inFlight).isNotDone();
		releaseHeld();
		assertThat(inFlight.get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("released");
		await().atMost(Duration.ofSeconds(5)).until(() -> a.sessions().isEmpty());
		assertThat(a.stats().connectionsAccepted()).isEqualTo(1);
		assertThat(b.stats().connectionsAccepted()).isEqualTo(1);
	}

}
