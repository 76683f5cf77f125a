package dev.fastnet.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.GracefulShutdownResult;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for requests refused by a draining server: announced by GOAWAY and
 * answered 503 without reaching a handler, they are sent again elsewhere; and for a real
 * server stopped under load.
 */
class DrainRetryIntegrationTests extends ClientTestSupport {

	// Requests kept in flight by the load: enough that some are always on the wire
	private static final int WINDOW = 512;

	@Test
	void requestRefusedAfterGoAwayIsAnsweredByAnotherServer() throws Exception {
		AtomicInteger refused = new AtomicInteger();
		ScriptedServer draining = startDraining(refused);
		FastnetServer healthy = startServer(
				Routes.builder().route("who", Execution.EVENT_LOOP, (request) -> "healthy").build());
		FastnetClient client = client(List.of(draining.address(), addressOf(healthy)),
				(config) -> config.balancing(Balancing.ROUND_ROBIN), (builder) -> {
				});
		for (int i = 0; i < 4; i++) {
			assertThat(client.requestBlocking("who", bytes("")).payloadString()).isEqualTo("healthy");
		}
		assertThat(refused.get()).isPositive();
	}

	@Test
	void requestRefusedAfterGoAwayReachesTheCallerWhenItsPayloadWasNotKept() throws Exception {
		AtomicInteger refused = new AtomicInteger();
		ScriptedServer draining = startDraining(refused);
		FastnetServer healthy = startServer(
				Routes.builder().route("who", Execution.EVENT_LOOP, (request) -> "healthy").build());
		// A buffer smaller than the payload: the request is written but not kept
		FastnetClient client = client(List.of(draining.address(), addressOf(healthy)),
				(config) -> config.balancing(Balancing.ROUND_ROBIN).resendBufferSize(4), (builder) -> {
				});
		int answered = 0;
		int failed = 0;
		for (int i = 0; i < 4; i++) {
			try {
				assertThat(client.requestBlocking("who", bytes("hello")).payloadString()).isEqualTo("healthy");
				answered++;
			}
			catch (FastnetRemoteException ex) {
				assertThat(ex.status()).isEqualTo(503);
				failed++;
			}
		}
		assertThat(failed).isEqualTo(refused.get()).isPositive();
		assertThat(answered).isEqualTo(4 - failed);
	}

	@Test
	void stoppingOneOfTwoServersUnderLoadFailsNoCall() throws Exception {
		Routes routes = Routes.builder().route("work", (request) -> request.payloadString()).build();
		FastnetServer stopping = startServer(routes);
		FastnetServer staying = startServer(routes);
		FastnetClient client = client(List.of(addressOf(stopping), addressOf(staying)),
				(config) -> config.balancing(Balancing.ROUND_ROBIN), (builder) -> {
				});
		byte[] payload = new byte[1024];
		AtomicLong ok = new AtomicLong();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicBoolean running = new AtomicBoolean(true);
		Semaphore window = new Semaphore(WINDOW);
		Thread load = new Thread(() -> {
			while (running.get()) {
				try {
					if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
						continue;
					}
				}
				catch (InterruptedException ex) {
					return;
				}
				client.request("work", payload).whenComplete((reply, ex) -> {
					if (ex != null) {
						failures.add(ex);
					}
					else {
						ok.incrementAndGet();
					}
					window.release();
				});
			}
		}, "load");
		load.start();
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> stopping.stats().requestsOk() > 500 && staying.stats().requestsOk() > 500);
			GracefulShutdownResult result = stopping.stop(Duration.ofSeconds(10));
			long okAtStop = ok.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okAtStop + 500);
			assertThat(result).isEqualTo(GracefulShutdownResult.IDLE);
		}
		finally {
			running.set(false);
			load.join(5000);
		}
		assertThat(window.tryAcquire(WINDOW, 10, TimeUnit.SECONDS)).isTrue();
		assertThat(failures).isEmpty();
	}

	@Test
	void overload503WithoutGoAwayIsNotRetried() throws Exception {
		AtomicInteger requests = new AtomicInteger();
		ScriptedServer overloaded = startScripted((peer, frame) -> {
			if (frame.type() == RawClient.PING) {
				peer.pong();
			}
			else if (frame.type() == RawClient.REQUEST) {
				requests.incrementAndGet();
				peer.send(RawClient.encode(RawClient.ERROR, frame.id(), "", Map.of(), new byte[] { 1, (byte) 0xF7 }));
			}
			return true;
		});
		FastnetClient client = client(overloaded.address(), (config) -> {
		});
		assertThatExceptionOfType(FastnetRemoteException.class)
			.isThrownBy(() -> client.requestBlocking("who", bytes("")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(503));
		assertThat(requests.get()).isEqualTo(1);
	}

	/**
	 * Start a server that refuses every request as a draining fastnet server does:
	 * GOAWAY, then ERROR 503 for the request.
	 */
	private ScriptedServer startDraining(AtomicInteger refused) throws IOException {
		byte[] message = "Server is shutting down".getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[2 + message.length];
		payload[0] = (byte) (503 >>> 8);
		payload[1] = (byte) (503 & 0xFF);
		System.arraycopy(message, 0, payload, 2, message.length);
		return startScripted((peer, frame) -> {
			if (frame.type() == RawClient.PING) {
				peer.pong();
			}
			else if (frame.type() == RawClient.REQUEST) {
				refused.incrementAndGet();
				peer.send(RawClient.encode(RawClient.GOAWAY, 0, "", Map.of(), new byte[0]));
				peer.send(RawClient.encode(RawClient.ERROR, frame.id(), "", Map.of(), payload));
			}
			return true;
		});
	}

}
