package dev.fastnet.sample;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.test.UdpTestClient;
import dev.fastnet.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the sample's WebSocket and UDP listeners: the JDK's WebSocket
 * client and a datagram channel reach the sample's {@code echo} handler with fastnet
 * frames.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "fastnet.server.port=0", "fastnet.server.workers.threads=2" })
class SampleWebSocketAndUdpIntegrationTests {

	@Value("${local.fastnet.listeners.websocket.port}")
	private int webSocketPort;

	@Value("${local.fastnet.listeners.udp.port}")
	private int udpPort;

	private static byte[] request(int id, String route, String payload) {
		return RawClient.encode(RawClient.REQUEST, id, route, Map.of(), payload.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void echoAnswersABinaryWebSocketMessage() throws Exception {
		try (WebSocketTestClient client = WebSocketTestClient
			.connect(URI.create("ws://127.0.0.1:" + this.webSocketPort + "/fastnet"))) {
			client.sendBinary(request(11, "echo", "over websocket"));
			RawFrame answer = client.receiveFrame();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.id()).isEqualTo(11);
			assertThat(answer.payloadString()).isEqualTo("over websocket");
			client.sendBinary(request(12, "no-such-route", ""));
			assertThat(client.receiveFrame().errorStatus()).isEqualTo(404);
		}
	}

	@Test
	void echoAnswersADatagram() throws Exception {
		try (UdpTestClient client = new UdpTestClient(new InetSocketAddress("127.0.0.1", this.udpPort))) {
			client.send(request(21, "echo", "over udp"));
			RawFrame answer = client.receiveFrame();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.id()).isEqualTo(21);
			assertThat(answer.payloadString()).isEqualTo("over udp");
			client.send(RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]));
			assertThat(client.receiveFrame().type()).isEqualTo(RawClient.PONG);
		}
	}

}
