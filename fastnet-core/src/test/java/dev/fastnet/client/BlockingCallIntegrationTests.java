package dev.fastnet.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for blocking calls made where they would deadlock: on the client's
 * own I/O threads, where its futures complete.
 */
class BlockingCallIntegrationTests extends ClientTestSupport {

	@Test
	void blockingCallOnAnIoThreadFailsInsteadOfHanging() {
		Semaphore answers = new Semaphore(0);
		FastnetServer server = startServer(Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
			.route("slow", (request) -> {
				// Answer only once the test attached its callback, so that it runs on the
				// I/O thread
				if (!answers.tryAcquire(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("The test never let this request be answered");
				}
				return request.payloadString();
			})
			.build());
		FastnetClient client = client(addressOf(server), (config) -> config.ioThreads(1));
		CompletableFuture<Reply> nested = client.request("slow", bytes("outer"))
			.thenApply((reply) -> client.requestBlocking("echo", bytes("inner")));
		answers.release();
		assertThat(nested).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageStartingWith("requestBlocking would block an I/O thread of the client");
		CompletableFuture<Void> oneway = client.request("slow", bytes("outer"))
			.thenAccept((reply) -> client.onewayBlocking("echo", java.util.Map.of(), bytes("inner")));
		answers.release();
		assertThat(oneway).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class);
		// The client is still usable from other threads
		assertThat(client.requestBlocking("echo", bytes("after")).payloadString()).isEqualTo("after");
	}

}
