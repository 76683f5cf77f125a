package dev.fastnet.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the sample application's actuator with a server and a client:
 * health components, metrics moving with traffic by outcome, the Prometheus scrape and
 * the {@code fastnet} endpoint, all over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "fastnet.server.port=0", "fastnet.server.workers.threads=2",
				"fastnet.client.backend.io-threads=1", "management.endpoint.fastnet.access=unrestricted" })
class SampleApplicationObservabilityIntegrationTests {

	private static FastnetServer backend;

	@Value("${local.fastnet.port}")
	private int fastnetPort;

	@LocalServerPort
	private int httpPort;

	@Autowired
	@Qualifier("backend")
	private FastnetClient client;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void backendEndpoint(DynamicPropertyRegistry registry) {
		backend = FastnetServer.create(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build(),
				Routes.builder().route("backend.echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
			.start();
		registry.add("fastnet.client.backend.endpoints", () -> "127.0.0.1:" + backend.port());
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@Test
	void healthMetricsScrapeAndEndpointShowServerAndClient() throws Exception {
		assertThat(this.client.requestBlocking("backend.echo", "hi".getBytes(StandardCharsets.UTF_8)).payloadString())
			.isEqualTo("hi");
		try (RawClient raw = RawClient.connect(this.fastnetPort)) {
			raw.request(1, "echo", "ok");
			assertThat(raw.read().payloadString()).isEqualTo("ok");
			raw.request(2, "nowhere", "");
			assertThat(raw.read().errorStatus()).isEqualTo(404);
			raw.request(3, "test.fail", "");
			assertThat(raw.read().errorStatus()).isEqualTo(500);
		}
		String health = get("/actuator/health/fastnet", 200);
		assertThat(health).contains("\"server\":{")
			.contains("\"clients\":{")
			.contains("\"backend\":{")
			.contains("\"127.0.0.1:" + backend.port() + "\":{")
			.contains("\"state\":\"UP\"");
		assertThat(health).contains("\"transport\":\"websocket\"").contains("\"transport\":\"udp\"");
		String scrape = get("/actuator/prometheus", 200);
		assertThat(scrape).contains("status=\"500\"")
			.contains("status=\"404\"")
			.contains("route=\"test.fail\"")
			.contains(
					"fastnet_client_requests_seconds_count{client=\"backend\",error=\"none\",outcome=\"SUCCESS\",route=\"backend.echo\",status=\"OK\"} 1")
			.contains("fastnet_client_pool_open{client=\"backend\",endpoint=\"127.0.0.1:" + backend.port() + "\"} 1.0")
			.contains("fastnet_server_workers_queue_size")
			.contains("fastnet_buffers_used_bytes{area=\"direct\"}");
		assertThat(get("/actuator/metrics/fastnet.client.pool.acquire", 200)).contains("\"client\"");
		String endpoint = get("/actuator/fastnet", 200);
		assertThat(endpoint).contains("\"clients\":{\"backend\":").contains("\"route\":\"test.fail\"");
		assertThat(endpoint).contains("\"transport\":\"websocket\",\"path\":\"/fastnet\"")
			.contains("\"transport\":\"udp\"");
		String reset = send(HttpRequest.newBuilder(uri("/actuator/fastnet/backend/reset-circuit"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"127.0.0.1:" + backend.port() + "\"}"))
			.build(), 200);
		assertThat(reset).contains("\"reset\"");
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.httpPort + path);
	}

	private String get(String path, int status) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).build(), status);
	}

	private String send(HttpRequest request, int status) throws Exception {
		HttpResponse<String> response = this.http.send(request,
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(response.statusCode()).as(request.uri().toString()).isEqualTo(status);
		return response.body();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FailingRoute {

		@Bean
		Failing failing() {
			return new Failing();
		}

	}

	static class Failing {

		@MessageHandler("test.fail")
		String fail() {
			throw new IllegalStateException("deliberate failure");
		}

	}

}
