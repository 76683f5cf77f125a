package dev.fastnet.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.framing.Framing;
import dev.fastnet.framing.LengthFieldFraming;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for a {@link FastnetClient} that speaks a compatibility framing,
 * against a server's compatibility listener and against a server written from the
 * protocol document.
 */
class FramingClientIntegrationTests extends ClientTestSupport {

	private final List<FastnetServer> servers = new ArrayList<>();

	@AfterEach
	void stopServers() {
		this.servers.forEach(FastnetServer::close);
	}

	private FastnetServer startWithListener(ListenerConfig listener) {
		FastnetServer server = FastnetServer
			.builder(ServerConfig.builder()
				.host("127.0.0.1")
				.port(0)
				.ioThreads(1)
				.workers(new WorkerPoolOptions(8, 1000, 100, "fastnet-worker-"))
				.build())
			.listener(listener)
			.routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
			.build()
			.start();
		this.servers.add(server);
		return server;
	}

	@Test
	void anetClientCallsAnAnetListenerWithManyConcurrentRequestsOnPooledConnections() throws Exception {
		FastnetServer server = startWithListener(
				ListenerConfig.builder("anet", Framing.anet()).host("127.0.0.1").route("echo").build());
		FastnetClient client = client(server.listener("anet").orElseThrow().address(),
				(config) -> config.framing(Framing.anet()));
		List<CompletableFuture<Reply>> replies = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			replies.add(client.request("not.sent", ("p" + i).getBytes(StandardCharsets.UTF_8)));
		}
		for (int i = 0; i < 1000; i++) {
			assertThat(replies.get(i).get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("p" + i);
		}
		assertThat(client.requestBlocking("x", new byte[0]).payload()).isEmpty();
	}

	@Test
	void lengthFieldClientWithoutCorrelationIdMatchesInOrderAnswers() throws Exception {
		LengthFieldFraming framing = LengthFieldFraming.builder().lengthFieldSize(2).build();
		FastnetServer server = startWithListener(
				ListenerConfig.builder("u16", framing).host("127.0.0.1").route("echo").build());
		FastnetClient client = client(server.listener("u16").orElseThrow().address(),
				(config) -> config.framing(framing));
		List<CompletableFuture<Reply>> replies = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			replies.add(client.request("echo", ("m" + i).getBytes(StandardCharsets.UTF_8)));
		}
		for (int i = 0; i < 200; i++) {
			assertThat(replies.get(i).get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("m" + i);
		}
	}

	@Test
	void anetClientWritesAnetBytesAndTakesAnswersOutOfOrder() throws Exception {
		try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			FastnetClient client = client(new InetSocketAddress("127.0.0.1", listener.getLocalPort()),
					(config) -> config.framing(Framing.anet()));
			CompletableFuture<Reply> first = client.request("a", "one".getBytes(StandardCharsets.UTF_8));
			CompletableFuture<Reply> second = client.request("b", "two".getBytes(StandardCharsets.UTF_8));
			try (Socket socket = listener.accept()) {
				socket.setSoTimeout(10_000);
				DataInputStream in = new DataInputStream(socket.getInputStream());
				DataOutputStream out = new DataOutputStream(socket.getOutputStream());
				int[] taskIds = new int[2];
				for (int i = 0; i < 2; i++) {
					int length = in.readUnsignedShort();
					assertThat(length).isEqualTo(7);
					taskIds[i] = in.readInt();
					byte[] payload = new byte[3];
					in.readFully(payload);
				}
				// Answered in reverse, each repeating the task id of its request
				for (int i = 1; i >= 0; i--) {
					byte[] answer = ("answer" + i).getBytes(StandardCharsets.UTF_8);
					out.writeShort(4 + answer.length);
					out.writeInt(taskIds[i]);
					out.write(answer);
				}
				out.flush();
				assertThat(first.get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("answer0");
				assertThat(second.get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("answer1");
			}
		}
	}

	@Test
	void anetPayloadTooLargeForTheFramingFailsOnlyItsCall() throws Exception {
		FastnetServer server = startWithListener(
				ListenerConfig.builder("anet", Framing.anet()).host("127.0.0.1").route("echo").build());
		FastnetClient client = client(server.listener("anet").orElseThrow().address(),
				(config) -> config.framing(Framing.anet()).pool(PoolOptions.builder().maxConnections(1).build()));
		CompletableFuture<Reply> pending = client.request("echo", new byte[] { 1 });
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> client.request("echo", new byte[65532]).get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(FastnetRemoteException.class, (ex) -> assertThat(ex.status()).isEqualTo(413));
		assertThat(pending.get(10, TimeUnit.SECONDS).payload()).containsExactly(1);
		assertThat(client.requestBlocking("echo", new byte[65531]).payload()).hasSize(65531);
		assertThat(server.listener("anet").orElseThrow().connectionsAccepted()).isEqualTo(1);
	}

	@Test
	void anetClientRefusesOnewayMessages() {
		FastnetServer server = startWithListener(
				ListenerConfig.builder("anet", Framing.anet()).host("127.0.0.1").route("echo").build());
		FastnetClient client = client(server.listener("anet").orElseThrow().address(),
				(config) -> config.framing(Framing.anet()));
		assertThat(client.requestBlocking("echo", new byte[] { 1 }).payload()).containsExactly(1);
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> client.oneway("echo", new byte[] { 1 }).get(10, TimeUnit.SECONDS))
			.withRootCauseInstanceOf(UnsupportedOperationException.class);
	}

}
