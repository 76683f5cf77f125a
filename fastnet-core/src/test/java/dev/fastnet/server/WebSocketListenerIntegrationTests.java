package dev.fastnet.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import dev.fastnet.Status;
import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for a WebSocket listener of a {@link FastnetServer}, driven over
 * loopback by the JDK's WebSocket client.
 */
class WebSocketListenerIntegrationTests extends ServerIntegrationTestSupport {

	private FastnetServer server;

	private FastnetServer start(ListenerConfig.Builder listener) {
		this.server = start(echoRoutes(), (config) -> {
		}, (server) -> server.listener(listener.host("127.0.0.1").build()));
		return this.server;
	}

	private static ListenerConfig.Builder websocket() {
		return ListenerConfig.builder("ws", Framing.fastnet()).transport(ListenerTransport.WEBSOCKET);
	}

	private WebSocketTestClient connect(String path) throws Exception {
		int port = this.server.listener("ws").orElseThrow().port();
		return closeAfter(WebSocketTestClient.connect(URI.create("ws://127.0.0.1:" + port + path)));
	}

	private static byte[] request(int id, String route, String payload) {
		return RawClient.encode(RawClient.REQUEST, id, route, Map.of(), payload.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void requestInABinaryMessageIsAnsweredInABinaryMessage() throws Exception {
		start(websocket());
		WebSocketTestClient client = connect(ListenerConfig.DEFAULT_PATH);
		client.sendBinary(request(7, "echo", "hello"));
		RawFrame answer = client.receiveFrame();
		assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answer.id()).isEqualTo(7);
		assertThat(answer.payloadString()).isEqualTo("hello");
		ServerListener listener = this.server.listener("ws").orElseThrow();
		assertThat(listener.connectionsOpen()).isOne();
		assertThat(listener.bytesRead()).isEqualTo(request(7, "echo", "hello").length);
		assertThat(this.server.sessions()).hasSize(1);
	}

	@Test
	void unknownRouteGetsError404AndPingGetsPong() throws Exception {
		start(websocket().path("/api/frames"));
		WebSocketTestClient client = connect("/api/frames");
		client.sendBinary(request(3, "nowhere", ""));
		RawFrame error = client.receiveFrame();
		assertThat(error.type()).isEqualTo(RawClient.ERROR);
		assertThat(error.id()).isEqualTo(3);
		assertThat(error.errorStatus()).isEqualTo(Status.NOT_FOUND.code());
		client.sendBinary(RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]));
		assertThat(client.receiveFrame().type()).isEqualTo(RawClient.PONG);
	}

	@Test
	void largeAnswerTravelsInOneMessage() throws Exception {
		start(websocket());
		WebSocketTestClient client = connect(ListenerConfig.DEFAULT_PATH);
		char[] chars = new char[200_000];
		Arrays.fill(chars, 'x');
		String payload = new String(chars);
		client.sendBinary(request(1, "echo", payload));
		assertThat(client.receiveFrame().payloadString()).isEqualTo(payload);
	}

	@Test
	void textMessageClosesTheConnectionWithUnsupportedData() throws Exception {
		start(websocket());
		WebSocketTestClient client = connect(ListenerConfig.DEFAULT_PATH);
		client.sendText("{\"route\":\"echo\"}");
		assertThat(client.closeCode()).isEqualTo(1003);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.server.stats().invalidFrames(ProtocolViolation.UNEXPECTED_TYPE) == 1
					&& this.server.stats().connectionsOpen() == 0);
	}

	@Test
	void messageHoldingMoreOrLessThanOneFrameClosesTheConnectionWithProtocolError() throws Exception {
		start(websocket());
		WebSocketTestClient client = connect(ListenerConfig.DEFAULT_PATH);
		byte[] frame = request(1, "echo", "a");
		client.sendBinary(Arrays.copyOf(frame, frame.length - 1));
		assertThat(client.closeCode()).isEqualTo(1002);
		// Counted on the event loop once the close frame is on its way
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.server.stats().invalidFrames(ProtocolViolation.MALFORMED) == 1);
	}

	@Test
	void messageLargerThanMaxFrameSizeClosesTheConnectionWithMessageTooBig() throws Exception {
		start(websocket().maxFrameSize(64));
		WebSocketTestClient client = connect(ListenerConfig.DEFAULT_PATH);
		client.sendBinary(request(1, "echo", "x".repeat(100)));
		assertThat(client.closeCode()).isEqualTo(1009);
		WebSocketTestClient next = connect(ListenerConfig.DEFAULT_PATH);
		next.sendBinary(request(2, "echo", "small"));
		assertThat(next.receiveFrame().payloadString()).isEqualTo("small");
	}

	@Test
	void requestForAnotherPathIsAnswered404() throws Exception {
		start(websocket());
		int port = this.server.listener("ws").orElseThrow().port();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/other"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void webSocketTransportNeedsFastnetFraming() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ListenerConfig.builder("ws", Framing.anet())
				.route("echo")
				.transport(ListenerTransport.WEBSOCKET)
				.build())
			.withMessage("transport WEBSOCKET of listener 'ws' carries fastnet frames only, not the anet framing");
		assertThatIllegalArgumentException().isThrownBy(() -> websocket().path("fastnet").build())
			.withMessageContaining("path of listener 'ws' must start with '/'");
	}

}
