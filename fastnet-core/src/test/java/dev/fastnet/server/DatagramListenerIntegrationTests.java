package dev.fastnet.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.test.UdpTestClient;
import dev.fastnet.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for a UDP listener of a {@link FastnetServer}, driven over loopback
 * by a {@link java.nio.channels.DatagramChannel}.
 */
class DatagramListenerIntegrationTests extends ServerIntegrationTestSupport {

	private final CountDownLatch oneway = new CountDownLatch(1);

	private FastnetServer server;

	private FastnetServer start(Consumer<ServerConfig.Builder> config, ListenerConfig.Builder listener) {
		Routes routes = Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("big", Execution.PLATFORM, (request) -> new byte[500])
			.route("note", Execution.EVENT_LOOP, (request) -> {
				this.oneway.countDown();
				return null;
			})
			.build();
		this.server = start(routes, config, (server) -> server.listener(listener.host("127.0.0.1").build()));
		return this.server;
	}

	private FastnetServer start(ListenerConfig.Builder listener) {
		return start((config) -> {
		}, listener);
	}

	private static ListenerConfig.Builder udp() {
		return ListenerConfig.builder("udp", Framing.fastnet()).transport(ListenerTransport.UDP);
	}

	private UdpTestClient connect() throws Exception {
		return closeAfter(new UdpTestClient(this.server.listener("udp").orElseThrow().address()));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void requestDatagramIsAnsweredToItsSender() throws Exception {
		start(udp());
		UdpTestClient client = connect();
		client.request(5, "echo", bytes("hello"));
		RawFrame answer = client.receiveFrame();
		assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answer.id()).isEqualTo(5);
		assertThat(answer.payloadString()).isEqualTo("hello");
		ServerListener listener = this.server.listener("udp").orElseThrow();
		assertThat(listener.connectionsOpen()).isOne();
		assertThat(listener.connectionsAccepted()).isOne();
		assertThat(this.server.sessions()).singleElement()
			.satisfies((session) -> assertThat(session.remoteAddress()).isEqualTo(client.localAddress()));
	}

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "NIO", "EPOLL", "IO_URING" })
	void datagramOfNearlyTheLargestSizeIsEchoedOnEveryTransport(Transport transport) throws Exception {
		TransportIntegrationTests.assumeAvailable(transport);
		start((config) -> config.transport(transport), udp());
		assertThat(this.server.transport()).isEqualTo(transport);
		UdpTestClient client = connect();
		byte[] payload = new byte[ListenerConfig.MAX_DATAGRAM_FRAME_SIZE - 64];
		Arrays.fill(payload, (byte) 'x');
		client.request(1, "echo", payload);
		RawFrame answer = client.receiveFrame();
		assertThat(answer.id()).isEqualTo(1);
		assertThat(answer.payload()).isEqualTo(payload);
	}

	@Test
	void pingGetsPongOnewayGetsNoAnswerAndUnknownRouteGets404() throws Exception {
		start(udp());
		UdpTestClient client = connect();
		client.send(RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]));
		assertThat(client.receiveFrame().type()).isEqualTo(RawClient.PONG);
		client.send(RawClient.encode(RawClient.ONEWAY, 0, "note", Map.of(), bytes("n")));
		assertThat(this.oneway.await(10, TimeUnit.SECONDS)).isTrue();
		client.request(9, "nowhere", new byte[0]);
		RawFrame error = client.receiveFrame();
		assertThat(error.type()).isEqualTo(RawClient.ERROR);
		assertThat(error.id()).isEqualTo(9);
		assertThat(error.errorStatus()).isEqualTo(Status.NOT_FOUND.code());
	}

	@Test
	void malformedDatagramIsCountedAndDroppedWithoutAffectingTheNext() throws Exception {
		start(udp());
		UdpTestClient client = connect();
		client.send(bytes("GET / HTTP/1.1\r\n\r\n"));
		byte[] request = RawClient.encode(RawClient.REQUEST, 1, "echo", Map.of(), bytes("cut"));
		client.send(Arrays.copyOf(request, request.length - 1));
		client.request(2, "echo", bytes("after"));
		RawFrame answer = client.receiveFrame();
		assertThat(answer.id()).isEqualTo(2);
		assertThat(answer.payloadString()).isEqualTo("after");
		assertThat(this.server.stats().invalidFrames(ProtocolViolation.MALFORMED)).isEqualTo(2);
	}

	@Test
	void answerLargerThanADatagramBecomesError413() throws Exception {
		start(udp().maxFrameSize(256));
		UdpTestClient client = connect();
		client.request(4, "big", new byte[0]);
		RawFrame error = client.receiveFrame();
		assertThat(error.type()).isEqualTo(RawClient.ERROR);
		assertThat(error.id()).isEqualTo(4);
		assertThat(error.errorStatus()).isEqualTo(Status.FRAME_TOO_LARGE.code());
		assertThat(error.errorMessage()).contains("exceeds the datagram limit of 260 bytes");
	}

	@Test
	void datagramLargerThanTheLimitIsDroppedAndCounted() throws Exception {
		start(udp().maxFrameSize(64));
		UdpTestClient client = connect();
		client.request(1, "echo", new byte[200]);
		client.request(2, "echo", bytes("ok"));
		assertThat(client.receiveFrame().id()).isEqualTo(2);
		assertThat(this.server.stats().invalidFrames(ProtocolViolation.FRAME_TOO_LARGE)).isOne();
	}

	@Test
	void idleSessionExpires() throws Exception {
		start((config) -> config.idleTimeout(Duration.ofMillis(200)), udp());
		UdpTestClient client = connect();
		client.request(1, "echo", bytes("x"));
		assertThat(client.receiveFrame().id()).isEqualTo(1);
		ServerListener listener = this.server.listener("udp").orElseThrow();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> listener.connectionsOpen() == 0 && this.server.sessions().isEmpty());
		client.request(2, "echo", bytes("y"));
		assertThat(client.receiveFrame().id()).isEqualTo(2);
		assertThat(listener.connectionsAccepted()).isEqualTo(2);
	}

	@Test
	void drainedListenerServesAgainAfterResumeAndStopDoesNotWaitForSessions() throws Exception {
		start(udp());
		UdpTestClient client = connect();
		client.request(1, "echo", bytes("before"));
		assertThat(client.receiveFrame().payloadString()).isEqualTo("before");
		assertThat(this.server.drain()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.sessions().isEmpty());
		assertThat(this.server.resume()).isTrue();
		client.request(2, "echo", bytes("after"));
		assertThat(client.receiveFrame().payloadString()).isEqualTo("after");
		long started = System.nanoTime();
		assertThat(this.server.stop(Duration.ofSeconds(30))).isEqualTo(GracefulShutdownResult.IDLE);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void udpTransportNeedsFastnetFramingAndADatagramSizedLimit() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ListenerConfig.builder("udp", Framing.anet())
				.route("echo")
				.transport(ListenerTransport.UDP)
				.build())
			.withMessage("transport UDP of listener 'udp' carries fastnet frames only, not the anet framing");
		assertThatIllegalArgumentException().isThrownBy(() -> udp().maxFrameSize(70_000).build())
			.withMessage("maxFrameSize of UDP listener 'udp' must be between 8 and 65503: 70000");
		assertThat(udp().build().maxFrameSize()).isEqualTo(ListenerConfig.MAX_DATAGRAM_FRAME_SIZE);
	}

}
