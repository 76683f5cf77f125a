package dev.fastnet.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.AfterEach;

/**
 * Starts servers on ephemeral loopback ports and connects raw clients to them, closing
 * both after each test.
 */
abstract class ServerIntegrationTestSupport {

	private final List<FastnetServer> servers = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		for (FastnetServer server : this.servers) {
			server.close();
		}
	}

	FastnetServer start(Routes routes) {
		return start(routes, (config) -> {
		}, (builder) -> {
		});
	}

	FastnetServer start(Routes routes, Consumer<ServerConfig.Builder> config) {
		return start(routes, config, (builder) -> {
		});
	}

	FastnetServer start(Routes routes, Consumer<ServerConfig.Builder> config, Consumer<FastnetServer.Builder> server) {
		ServerConfig.Builder builder = ServerConfig.builder()
			.host("127.0.0.1")
			.port(0)
			.ioThreads(2)
			.workers(new WorkerPoolOptions(8, 64, 100, "fastnet-worker-"));
		config.accept(builder);
		FastnetServer.Builder serverBuilder = FastnetServer.builder(builder.build()).routes(routes);
		server.accept(serverBuilder);
		FastnetServer started = serverBuilder.build().start();
		this.servers.add(started);
		return started;
	}

	RawClient connect(FastnetServer server) throws IOException {
		RawClient client = RawClient.connect(server.port());
		this.clients.add(client);
		return client;
	}

	/**
	 * Close a client of another kind, such as a WebSocket or UDP one, after the test.
	 */
	<T extends AutoCloseable> T closeAfter(T client) {
		this.clients.add(client);
		return client;
	}

	static Routes echoRoutes() {
		return Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build();
	}

	static boolean awaitLatch(CountDownLatch latch) throws InterruptedException {
		return latch.await(10, TimeUnit.SECONDS);
	}

}
