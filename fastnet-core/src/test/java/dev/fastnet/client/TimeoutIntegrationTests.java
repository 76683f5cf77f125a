package dev.fastnet.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for request timeouts: requests written in deadline order share one
 * timer per connection, the others get their own, and every one fails on time while
 * answered ones never do.
 */
class TimeoutIntegrationTests extends ClientTestSupport {

	private final List<CompletableFuture<Object>> neverAnswered = new ArrayList<>();

	private FastnetServer server() {
		return startServer(Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
			.route("hang", Execution.EVENT_LOOP, (request) -> {
				CompletableFuture<Object> never = new CompletableFuture<>();
				this.neverAnswered.add(never);
				return never;
			})
			.build(), (config) -> config.requestTimeout(Duration.ZERO));
	}

	@Test
	void requestsTimeOutOnTimeBetweenAnsweredOnes() throws Exception {
		FastnetServer server = server();
		FastnetClient client = client(addressOf(server),
				(config) -> config.requestTimeout(Duration.ofMillis(300)).ioThreads(1));
		// Connected first, with time to spare (the request timeout covers connecting):
		// the time
		// measured is the timeouts', not the TCP connect's
		assertThat(client.requestBlocking("echo", Map.of(), bytes("warm"), Duration.ofSeconds(10)).payloadString())
			.isEqualTo("warm");
		long start = System.nanoTime();
		CompletableFuture<Reply> first = client.request("hang", bytes(""));
		List<CompletableFuture<Reply>> answered = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			answered.add(client.request("echo", bytes("e" + i)));
		}
		CompletableFuture<Reply> last = client.request("hang", bytes(""));
		for (int i = 0; i < answered.size(); i++) {
			assertThat(answered.get(i).get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("e" + i);
		}
		assertThat(first).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(FastnetTimeoutException.class);
		assertThat(last).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(FastnetTimeoutException.class);
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(elapsedMillis).isBetween(290L, 3000L);
		assertThat(client.endpoints().get(0).requestsTimedOut()).isEqualTo(2);
		assertThat(client.endpoints().get(0).requestsOk()).isEqualTo(51);
	}

	@Test
	void shorterTimeoutWrittenAfterALongerOneFailsOnItsOwnTime() {
		FastnetServer server = server();
		FastnetClient client = client(addressOf(server),
				(config) -> config.requestTimeout(Duration.ofSeconds(5)).ioThreads(1));
		CompletableFuture<Reply> longer = client.request("hang", bytes(""));
		assertShortCallTimesOutOnItsOwnTime(client);
		assertThat(longer).isNotDone();
	}

	@Test
	void shorterTimeoutAfterALongerAnsweredOneFailsOnItsOwnTime() {
		FastnetServer server = server();
		FastnetClient client = client(addressOf(server),
				(config) -> config.requestTimeout(Duration.ofSeconds(5)).ioThreads(1));
		// Answered: its deadline leaves the queue, its timer does not
		assertThat(client.requestBlocking("echo", bytes("e")).payloadString()).isEqualTo("e");
		assertShortCallTimesOutOnItsOwnTime(client);
	}

	private void assertShortCallTimesOutOnItsOwnTime(FastnetClient client) {
		long start = System.nanoTime();
		CompletableFuture<Reply> shorter = client.request("hang", Map.of(), bytes(""), Duration.ofMillis(100));
		assertThat(shorter).failsWithin(Duration.ofSeconds(2))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(FastnetTimeoutException.class);
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(elapsedMillis).isBetween(90L, 1500L);
	}

}
