package dev.fastnet.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the limits a {@link FastnetServer} puts on what a peer can make it hold:
 * headers, unfinished frames and the time a frame may take to arrive.
 */
class FrameLimitsIntegrationTests {

	private final List<FastnetServer> servers = new ArrayList<>();

	private final List<RawClient> clients = new ArrayList<>();

	@AfterEach
	void stop() throws IOException {
		for (RawClient client : this.clients) {
			client.close();
		}
		for (FastnetServer server : this.servers) {
			server.close();
		}
	}

	private FastnetServer start(Consumer<ServerConfig.Builder> config) {
		ServerConfig.Builder builder = ServerConfig.builder()
			.host("127.0.0.1")
			.port(0)
			.ioThreads(2)
			.workers(new WorkerPoolOptions(2, 16, 10, "fastnet-worker-"));
		config.accept(builder);
		FastnetServer server = FastnetServer.builder(builder.build())
			.routes(Routes.builder()
				.route("echo", Execution.EVENT_LOOP,
						(request) -> request.payloadString() + " " + request.headers().size())
				.build())
			.build()
			.start();
		this.servers.add(server);
		return server;
	}

	private RawClient connect(FastnetServer server) throws IOException {
		RawClient client = RawClient.connect(server.port());
		this.clients.add(client);
		return client;
	}

	private static Map<String, String> headers(int count, String value) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			headers.put("h" + i, value);
		}
		return headers;
	}

	private static byte[] request(int id, Map<String, String> headers, String payload) {
		return RawClient.encode(RawClient.REQUEST, id, "echo", headers, payload.getBytes());
	}

	@Test
	void requestWithMoreHeaderEntriesThanTheDefaultLimitIsAnswered400AndTheConnectionStaysOpen() throws IOException {
		FastnetServer server = start((config) -> {
		});
		RawClient client = connect(server);
		ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
		pipelined.writeBytes(request(1, headers(64, "v"), "at the limit"));
		pipelined.writeBytes(request(2, headers(65, "v"), "over the limit"));
		pipelined.writeBytes(request(3, Map.of(), "after"));
		client.send(pipelined.toByteArray());
		assertThat(client.read().payloadString()).isEqualTo("at the limit 64");
		RawFrame refused = client.read();
		assertThat(refused.type()).isEqualTo(RawClient.ERROR);
		assertThat(refused.id()).isEqualTo(2);
		assertThat(refused.errorStatus()).isEqualTo(400);
		assertThat(refused.errorMessage()).isEqualTo("More than 64 header entries");
		assertThat(client.read().payloadString()).isEqualTo("after 0");
		assertThat(server.stats().errors(Status.BAD_REQUEST)).isEqualTo(1);
		assertThat(server.stats().invalidFrames()).isZero();
	}

	@Test
	void headersBlockLargerThanTheLimitIsAnswered400AndTheConnectionStaysOpen() throws IOException {
		FastnetServer server = start((config) -> config.maxHeaderSize(100));
		RawClient client = connect(server);
		// 2 + 2 + 96 bytes: exactly at the limit
		client.send(request(1, Map.of("k", "v".repeat(96)), "fits"));
		assertThat(client.read().payloadString()).isEqualTo("fits 1");
		client.send(request(2, Map.of("k", "v".repeat(97)), "too big"));
		RawFrame refused = client.read();
		assertThat(refused.id()).isEqualTo(2);
		assertThat(refused.errorStatus()).isEqualTo(400);
		assertThat(refused.errorMessage()).isEqualTo("Headers block of 101 bytes exceeds the maximum of 100");
		client.send(request(3, Map.of("k", "v"), "still open"));
		assertThat(client.read().payloadString()).isEqualTo("still open 1");
	}

	@Test
	void onewayOverAHeaderLimitIsDroppedWithoutAnAnswer() throws IOException {
		FastnetServer server = start((config) -> config.maxHeaderCount(1));
		RawClient client = connect(server);
		client.send(RawClient.encode(RawClient.ONEWAY, 0, "echo", headers(2, "v"), new byte[0]));
		client.send(request(1, headers(1, "v"), "next"));
		// The first frame back answers the request: nothing was sent for the one-way message
		assertThat(client.read().payloadString()).isEqualTo("next 1");
		assertThat(server.stats().errors(Status.BAD_REQUEST)).isEqualTo(1);
	}

}
