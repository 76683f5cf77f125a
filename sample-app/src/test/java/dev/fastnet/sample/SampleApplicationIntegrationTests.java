package dev.fastnet.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Integration tests for the sample application: its routes over a real fastnet socket,
 * and its actuator endpoints over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "fastnet.server.port=0", "fastnet.server.workers.threads=4" })
class SampleApplicationIntegrationTests {

	@Value("${local.fastnet.port}")
	private int fastnetPort;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private FastnetServer server;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void echoReturnsThePayloadUnchanged() throws IOException {
		byte[] payload = new byte[5000];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) (i * 31);
		}
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			client.send(RawClient.REQUEST, 11, "echo", Map.of(), payload);
			RawFrame answer = client.read();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.id()).isEqualTo(11);
			assertThat(answer.payload()).isEqualTo(payload);
		}
	}

	@Test
	void keyValueRoutesStoreReadAndDeleteEntries() throws IOException {
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			assertThat(call(client, "kv.put", "{\"key\":\"color\",\"value\":\"blue\"}").payloadString())
				.isEqualTo("{\"key\":\"color\",\"value\":\"blue\"}");
			assertThat(call(client, "kv.get", "{\"key\":\"color\"}").payloadString())
				.isEqualTo("{\"key\":\"color\",\"value\":\"blue\"}");
			assertThat(call(client, "kv.delete", "{\"key\":\"color\"}").payloadString())
				.isEqualTo("{\"key\":\"color\",\"value\":\"blue\"}");
			RawFrame missing = call(client, "kv.get", "{\"key\":\"color\"}");
			assertThat(missing.type()).isEqualTo(RawClient.ERROR);
			assertThat(missing.errorStatus()).isEqualTo(1404);
			assertThat(missing.errorMessage()).isEqualTo("No such key: color");
			assertThat(call(client, "kv.delete", "{\"key\":\"color\"}").errorStatus()).isEqualTo(1404);
		}
	}

	@Test
	void payloadThatIsNotTheExpectedJsonIsAnswered400() throws IOException {
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			assertThat(call(client, "kv.put", "not json").errorStatus()).isEqualTo(400);
			assertThat(call(client, "kv.put", "{\"key\":\"k\"}").errorMessage()).isEqualTo("Field 'value' is required");
			assertThat(call(client, "kv.get", "[1,2]").errorStatus()).isEqualTo(400);
			assertThat(call(client, "kv.get", "{}").errorStatus()).isEqualTo(400);
		}
	}

	@Test
	void actuatorShowsFastnetHealthAndMetrics() throws Exception {
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			assertThat(call(client, "echo", "x").payloadString()).isEqualTo("x");
			assertThat(call(client, "no.such.route", "").errorStatus()).isEqualTo(404);
		}
		String health = get("/actuator/health/fastnet");
		assertThat(health).contains("\"status\":\"UP\"").contains("\"port\":" + this.fastnetPort);
		String requests = get("/actuator/metrics/fastnet.server.requests");
		assertThat(requests).contains("\"route\"").contains("echo").contains("UNKNOWN");
		assertThat(get("/actuator/metrics/fastnet.server.connections"))
			.contains("\"name\":\"fastnet.server.connections\"");
		String scrape = get("/actuator/prometheus");
		assertThat(scrape).contains(
				"fastnet_server_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\",route=\"echo\",status=\"OK\"}")
			.contains(
					"fastnet_server_requests_seconds_count{error=\"none\",outcome=\"CLIENT_ERROR\",route=\"UNKNOWN\",status=\"404\"} 1")
			.contains("fastnet_server_connections_accepted_total{listener=\"default\"}")
			.contains("fastnet_server_connections_accepted_total{listener=\"anet\"}")
			.contains("fastnet_server_requests_unanswerable_total{listener=\"length-field\"} 0");
	}

	@Test
	void healthAndFastnetEndpointShowEveryListener() throws Exception {
		int anetPort = this.server.listener("anet").orElseThrow().port();
		assertThat(get("/actuator/health/fastnet"))
			.contains("\"anet\":{\"transport\":\"tcp\",\"framing\":\"anet\",\"address\":\"127.0.0.1\",\"port\":"
					+ anetPort)
			.contains("\"websocket\":{\"transport\":\"websocket\",\"framing\":\"fastnet\"")
			.contains("\"udp\":{\"transport\":\"udp\",\"framing\":\"fastnet\"");
		assertThat(get("/actuator/fastnet")).contains("\"name\":\"length-field\"")
			.contains("\"framing\":\"length-field[offset=0, size=4");
	}

	@Test
	void fastnetEndpointIsReadOnlyByDefault() throws Exception {
		assertThat(get("/actuator/fastnet")).contains("\"route\":\"echo\"");
		for (String action : new String[] { "drain", "resume" }) {
			URI uri = URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/fastnet/" + action);
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			assertThat(response.statusCode()).as(action).isEqualTo(404);
		}
		assertThat(this.server.state()).isEqualTo(FastnetServer.State.RUNNING);
	}

	@Test
	void actuatorListensOnLoopbackOnly() throws Exception {
		InetAddress external = null;
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (network.isUp() && !network.isLoopback()) {
				for (InetAddress address : Collections.list(network.getInetAddresses())) {
					if (address instanceof Inet4Address) {
						external = address;
					}
				}
			}
		}
		assumeTrue(external != null, "no non-loopback IPv4 address to try");
		try (Socket socket = new Socket()) {
			InetSocketAddress target = new InetSocketAddress(external, this.httpPort);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> socket.connect(target, 5000));
		}
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path)).build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private static RawFrame call(RawClient client, String route, String payload) throws IOException {
		client.request(3, route, payload);
		RawFrame frame = client.read();
		assertThat(frame.id()).isEqualTo(3);
		return frame;
	}

}
