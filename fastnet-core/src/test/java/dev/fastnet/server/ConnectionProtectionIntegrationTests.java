package dev.fastnet.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} over real loopback sockets: oversized
 * frames, protocol violations, the connection limit and peers that do not read.
 */
class ConnectionProtectionIntegrationTests extends ServerIntegrationTestSupport {

	@Test
	void oversizedFrameIsAnswered413ThenOnlyThatConnectionIsClosed() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.maxFrameSize(1024));
		RawClient bystander = connect(server);
		RawClient offender = connect(server);
		offender.send(RawClient.encode(RawClient.REQUEST, 99, "echo", Map.of(), new byte[2000]));
		RawFrame answer = offender.read();
		assertThat(answer.type()).isEqualTo(RawClient.ERROR);
		assertThat(answer.id()).isEqualTo(99);
		assertThat(answer.errorStatus()).isEqualTo(413);
		assertThat(answer.errorMessage()).isEqualTo("Frame length 2012 exceeds maximum 1024");
		assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		bystander.request(1, "echo", "unaffected");
		assertThat(bystander.read().payloadString()).isEqualTo("unaffected");
		assertThat(server.stats().invalidFrames(ProtocolViolation.FRAME_TOO_LARGE)).isEqualTo(1);
	}

	@Test
	void everyProtocolViolationClosesOnlyTheOffendingConnectionAndIsCounted() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient bystander = connect(server);
		byte[] valid = RawClient.encode(RawClient.REQUEST, 1, "echo", Map.of("k", "v"), new byte[] { 1 });
		Map<ProtocolViolation, byte[]> violations = new java.util.LinkedHashMap<>();
		violations.put(ProtocolViolation.LENGTH_TOO_SMALL, new byte[] { 0, 0, 0, 3, 1, 0, 0 });
		violations.put(ProtocolViolation.BAD_VERSION, patch(valid, 4, 9));
		violations.put(ProtocolViolation.UNKNOWN_TYPE, patch(valid, 5, 200));
		violations.put(ProtocolViolation.RESERVED_FLAGS, patch(valid, 6, 0x81));
		violations.put(ProtocolViolation.OVERRUN, patch(valid, 11, 40));
		violations.put(ProtocolViolation.INVALID_UTF8, patch(valid, 12, 0xFF));
		violations.put(ProtocolViolation.UNEXPECTED_TYPE,
				RawClient.encode(RawClient.GOAWAY, 0, "", Map.of(), new byte[0]));
		for (Map.Entry<ProtocolViolation, byte[]> violation : violations.entrySet()) {
			try (RawClient offender = RawClient.connect(server.port())) {
				offender.send(violation.getValue());
				assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).as(violation.getKey().tag()).isTrue();
			}
			assertThat(server.stats().invalidFrames(violation.getKey())).as(violation.getKey().tag()).isEqualTo(1);
			bystander.request(2, "echo", violation.getKey().tag());
			assertThat(bystander.read().payloadString()).isEqualTo(violation.getKey().tag());
		}
	}

	/**
	 * Whether a new connection is closed by the server at once; the reset may already
	 * surface while the socket is being set up.
	 */
	private boolean isRefused(FastnetServer server) throws IOException {
		try {
			return connect(server).isClosedByPeer(Duration.ofSeconds(5));
		}
		catch (java.net.SocketException ex) {
			return true;
		}
	}

	private static byte[] patch(byte[] frame, int index, int value) {
		byte[] copy = frame.clone();
		copy[index] = (byte) value;
		return copy;
	}

	@Test
	void connectionsBeyondTheLimitAreClosedAtAcceptAndCounted() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.maxConnections(2));
		RawClient first = connect(server);
		RawClient second = connect(server);
		first.request(1, "echo", "a");
		second.request(1, "echo", "b");
		assertThat(first.read().payloadString()).isEqualTo("a");
		assertThat(second.read().payloadString()).isEqualTo("b");
		assertThat(isRefused(server)).isTrue();
		assertThat(server.stats().connectionsRejected()).isEqualTo(1);
		assertThat(server.stats().connectionsOpen()).isEqualTo(2);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connectionsOpen() == 1);
		RawClient fourth = connect(server);
		fourth.request(1, "echo", "d");
		assertThat(fourth.read().payloadString()).isEqualTo("d");
	}

	@Test
	void peerThatDoesNotReadItsAnswersIsNotAnsweredBeyondTheWriteBuffer() throws IOException {
		FastnetServer server = start(
				Routes.builder().route("big", Execution.EVENT_LOOP, (request) -> new byte[256 * 1024]).build(),
				(config) -> config.writeBufferWaterMarks(32 * 1024, 64 * 1024));
		try (RawClient client = new RawClient(new InetSocketAddress("127.0.0.1", server.port()), 4096)) {
			// 100 requests in one write: about 25 MiB of answers, far more than the
			// socket buffers hold
			java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
			for (int id = 1; id <= 100; id++) {
				burst.writeBytes(RawClient.encode(RawClient.REQUEST, id, "big", Map.of(), new byte[0]));
			}
			client.send(burst.toByteArray());
			// While nothing is read, the server stops producing answers instead of
			// queueing them all
			await().atMost(Duration.ofSeconds(10))
				.during(Duration.ofMillis(300))
				.until(() -> server.stats().requestsOk() < 100);
			long answeredWhileBlocked = server.stats().requestsOk();
			assertThat(answeredWhileBlocked).isLessThan(100);
			// Reading resumes the server: every request is answered, in order, none lost
			for (int id = 1; id <= 100; id++) {
				RawFrame answer = client.read();
				assertThat(answer.id()).isEqualTo(id);
				assertThat(answer.payload()).hasSize(256 * 1024);
			}
		}
	}

}
