package dev.fastnet.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.worker.WorkerPoolOptions;
import org.junit.jupiter.api.AfterEach;

/**
 * Starts real servers on loopback and clients against them, and closes all of them after
 * each test.
 */
abstract class ClientTestSupport {

	private final List<FastnetClient> clients = new ArrayList<>();

	private final List<FastnetServer> servers = new ArrayList<>();

	private final List<AutoCloseable> others = new ArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (FastnetClient client : this.clients) {
			client.close(Duration.ofSeconds(1));
		}
		for (FastnetServer server : this.servers) {
			server.close();
		}
		for (AutoCloseable other : this.others) {
			other.close();
		}
	}

	FastnetServer startServer(Routes routes) {
		return startServer(routes, (config) -> {
		});
	}

	FastnetServer startServer(Routes routes, Consumer<ServerConfig.Builder> customizer) {
		ServerConfig.Builder config = ServerConfig.builder()
			.host("127.0.0.1")
			.port(0)
			.ioThreads(1)
			.workers(new WorkerPoolOptions(8, 1000, 100, "fastnet-worker-"));
		customizer.accept(config);
		FastnetServer server = FastnetServer.builder(config.build()).routes(routes).build().start();
		this.servers.add(server);
		return server;
	}

	ScriptedServer startScripted(ScriptedServer.Script script) throws IOException {
		ScriptedServer server = new ScriptedServer(script);
		this.others.add(server);
		return server;
	}

	FastnetClient client(InetSocketAddress endpoint, Consumer<ClientConfig.Builder> customizer) {
		return client(List.of(endpoint), customizer, (builder) -> {
		});
	}

	FastnetClient client(List<InetSocketAddress> endpoints, Consumer<ClientConfig.Builder> customizer,
			Consumer<FastnetClient.Builder> clientCustomizer) {
		ClientConfig.Builder config = ClientConfig.builder().endpoints(endpoints).name("test").ioThreads(2);
		customizer.accept(config);
		FastnetClient.Builder builder = FastnetClient.builder(config.build());
		clientCustomizer.accept(builder);
		FastnetClient client = builder.build();
		this.clients.add(client);
		return client;
	}

	static InetSocketAddress addressOf(FastnetServer server) {
		return new InetSocketAddress("127.0.0.1", server.port());
	}

	/**
	 * Hold a loopback port that refuses connections: bound but not listening, so that no
	 * other process can take it while the test expects it closed. Released after the
	 * test.
	 * @return the held port
	 */
	HeldPort holdPort() throws IOException {
		return holdPort(0);
	}

	/**
	 * Hold a given loopback port, as a server just closed left it, until the test starts
	 * another server on it; see {@link #holdPort()}.
	 * @param port the port
	 * @return the held port
	 */
	HeldPort holdPort(int port) throws IOException {
		HeldPort held = new HeldPort(port);
		this.others.add(held);
		return held;
	}

	/**
	 * A loopback port bound by a socket that never listens: connecting to it is refused.
	 */
	static final class HeldPort implements AutoCloseable {

		private final Socket socket = new Socket();

		HeldPort(int port) throws IOException {
			// Reuse, for a port whose closed connections may linger in TIME_WAIT
			this.socket.setReuseAddress(port != 0);
			this.socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		}

		int port() {
			return this.socket.getLocalPort();
		}

		InetSocketAddress address() {
			return new InetSocketAddress("127.0.0.1", port());
		}

		/**
		 * Release the port, right before a server binds it.
		 */
		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static PoolOptions.Builder pool() {
		return PoolOptions.builder();
	}

}
