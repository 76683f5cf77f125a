package dev.fastnet.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the write operations of the {@code fastnet} actuator endpoint,
 * allowed here: draining the sample application's fastnet server while a request is in
 * flight, resuming it, and the statuses of actions that do not fit: unknown, or not
 * possible in the server's state.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "fastnet.server.port=0", "fastnet.server.workers.threads=2", "fastnet.server.shutdown-grace=10s",
				"management.endpoint.fastnet.access=unrestricted" })
class SampleApplicationDrainIntegrationTests {

	@Value("${local.fastnet.port}")
	private int fastnetPort;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private FastnetServer server;

	@Autowired
	private SlowHandler slow;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void drainRefusesNewRequestsWhileThoseInFlightFinishAndResumeTakesThemAgain() throws Exception {
		assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(), 200)).contains("UP");
		String description = send(HttpRequest.newBuilder(uri("/actuator/fastnet")).build(), 200);
		assertThat(description).contains("\"route\":\"echo\"")
			.contains("\"route\":\"kv.get\"")
			.contains("\"execution\":\"EVENT_LOOP\"");
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			client.request(1, "test.slow", "");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.server.inFlight() == 1);
			assertThat(post("/actuator/fastnet/drain")).contains("DRAINING");
			String health = send(HttpRequest.newBuilder(uri("/actuator/health/fastnet")).build(), 503);
			assertThat(health).contains("\"status\":\"OUT_OF_SERVICE\"");
			assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(), 503))
				.contains("\"status\":\"OUT_OF_SERVICE\"");
			assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
			client.request(2, "echo", "refused");
			RawFrame refused = client.read();
			assertThat(refused.id()).isEqualTo(2);
			assertThat(refused.errorStatus()).isEqualTo(503);
			this.slow.release.countDown();
			RawFrame answer = client.read();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.payloadString()).isEqualTo("finished");
		}
		// Drained, not stopped: resume puts it back in service
		assertThat(this.server.state()).isEqualTo(FastnetServer.State.DRAINING);
		assertThat(post("/actuator/fastnet/resume")).contains("RUNNING");
		assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/fastnet")).build(), 200))
			.contains("\"status\":\"UP\"");
		assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(), 200))
			.contains("\"status\":\"UP\"");
		try (RawClient client = RawClient.connect(this.fastnetPort)) {
			client.request(3, "echo", "served");
			RawFrame answer = client.read();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.payloadString()).isEqualTo("served");
		}
	}

	@Test
	void serverActionsThatDoNotFitTheStateAnswer409AndUnknownOnes400() throws Exception {
		assertThat(send(postTo("/actuator/fastnet/resume"), 409))
			.contains("Server is RUNNING; only a draining server resumes");
		assertThat(send(postTo("/actuator/fastnet/pause"), 400))
			.contains("Unknown action 'pause'; supported: drain, resume");
		assertThat(send(postTo("/actuator/fastnet/drain"), 200)).contains("DRAINING");
		assertThat(send(postTo("/actuator/fastnet/drain"), 409))
			.contains("Server is DRAINING; only a running server drains");
		assertThat(send(postTo("/actuator/fastnet/resume"), 200)).contains("RUNNING");
		assertThat(this.server.state()).isEqualTo(FastnetServer.State.RUNNING);
	}

	@Test
	void resetCircuitAnswers404ForAnUnknownClientAnd400ForAnUnknownAction() throws Exception {
		String body = send(resetCircuit("/actuator/fastnet/nope/reset-circuit"), 404);
		assertThat(body).contains("No fastnet client named 'nope'");
		send(resetCircuit("/actuator/fastnet/nope/open-circuit"), 400);
	}

	private HttpRequest resetCircuit(String path) {
		return HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\": \"127.0.0.1:7000\"}"))
			.build();
	}

	private String post(String path) throws Exception {
		return send(postTo(path), 200);
	}

	private HttpRequest postTo(String path) {
		return HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.httpPort + path);
	}

	private String send(HttpRequest request, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(request,
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(response.statusCode()).as(request.uri().toString()).isEqualTo(expectedStatus);
		return response.body();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SlowConfiguration {

		@Bean
		SlowHandler slowHandler() {
			return new SlowHandler();
		}

	}

	static class SlowHandler {

		final CountDownLatch release = new CountDownLatch(1);

		@MessageHandler("test.slow")
		String slow() throws InterruptedException {
			return this.release.await(10, TimeUnit.SECONDS) ? "finished" : "timed out";
		}

	}

}
