package dev.fastnet.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for requests refused by a draining server: announced by GOAWAY and answered
 * 503 without reaching a handler, they are sent again elsewhere.
 */
class DrainRetryIntegrationTests extends ClientTestSupport {

	@Test
	void requestRefusedAfterGoAwayIsAnsweredByAnotherServer() throws Exception {
		AtomicInteger refused = new AtomicInteger();
		ScriptedServer draining = startScripted((peer, frame) -> {
			if (frame.type() == RawClient.PING) {
				peer.pong();
			}
			else if (frame.type() == RawClient.REQUEST) {
				refused.incrementAndGet();
				peer.send(RawClient.encode(RawClient.GOAWAY, 0, "", Map.of(), new byte[0]));
				byte[] message = "Server is shutting down".getBytes(java.nio.charset.StandardCharsets.UTF_8);
				byte[] payload = new byte[2 + message.length];
				payload[0] = (byte) (503 >>> 8);
				payload[1] = (byte) (503 & 0xFF);
				System.arraycopy(message, 0, payload, 2, message.length);
				peer.send(RawClient.encode(RawClient.ERROR, frame.id(), "", Map.of(), payload));
			}
			return true;
		});
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

}
