package dev.fastnet.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.FastnetException;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.framing.Framing;
import dev.fastnet.framing.LengthFieldFraming;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.test.AnetRawClient;
import dev.fastnet.test.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for a {@link FastnetServer} with listeners of several framings, over
 * real loopback sockets, driven by clients written from the protocol document alone.
 */
class ListenersIntegrationTests extends ServerIntegrationTestSupport {

	private FastnetServer start(Routes routes, ListenerConfig... listeners) {
		return start(routes, (config) -> {
		}, (builder) -> {
			for (ListenerConfig listener : listeners) {
				builder.listener(listener);
			}
		});
	}

	private static ListenerConfig anet(String route) {
		return ListenerConfig.builder("anet", Framing.anet()).host("127.0.0.1").route(route).build();
	}

	/**
	 * Connect beyond the limit: the server accepts and closes at once, which a busy
	 * client may see as a reset before its connect returns.
	 */
	private boolean closedAtAccept(FastnetServer server) throws IOException {
		AnetRawClient client;
		try {
			client = connectAnet(server);
		}
		catch (java.net.SocketException ex) {
			return true;
		}
		return client.isClosedByServer();
	}

	private AnetRawClient connectAnet(FastnetServer server) throws IOException {
		return closeAfter(new AnetRawClient(server.listener("anet").orElseThrow().port()));
	}

	@Test
	void anetListenerAnswers1000RequestsOutOfOrderOver8Connections() throws Exception {
		int connections = 8;
		int perConnection = 125;
		int total = connections * perConnection;
		List<CompletableFuture<Void>> gates = new ArrayList<>();
		Routes routes = Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> {
			CompletableFuture<Void> gate = new CompletableFuture<>();
			byte[] payload = request.payloadBytes();
			synchronized (gates) {
				gates.add(gate);
				if (gates.size() == total) {
					// Every request is in: answer them in a shuffled order, across
					// connections
					List<CompletableFuture<Void>> all = new ArrayList<>(gates);
					Collections.shuffle(all, new Random(42));
					CompletableFuture.runAsync(() -> all.forEach((future) -> future.complete(null)));
				}
			}
			return gate.thenApply((ignored) -> payload);
		}).build();
		FastnetServer server = start(routes, anet("echo"));
		ExecutorService executor = Executors.newFixedThreadPool(connections);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int c = 0; c < connections; c++) {
				AnetRawClient client = connectAnet(server);
				int base = c * 1_000_000;
				results.add(executor.submit(() -> {
					for (int i = 0; i < perConnection; i++) {
						client.send(base + i, ("c" + base + "-" + i).getBytes(StandardCharsets.UTF_8));
					}
					boolean inOrder = true;
					boolean[] seen = new boolean[perConnection];
					for (int i = 0; i < perConnection; i++) {
						AnetRawClient.Message answer = client.read();
						int index = answer.taskId() - base;
						assertThat(index).isBetween(0, perConnection - 1);
						assertThat(seen[index]).isFalse();
						seen[index] = true;
						assertThat(new String(answer.payload(), StandardCharsets.UTF_8))
							.isEqualTo("c" + base + "-" + index);
						inOrder &= (index == i);
					}
					return inOrder;
				}));
			}
			int inOrder = 0;
			for (Future<Boolean> result : results) {
				inOrder += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(inOrder).as("connections whose answers came in the order sent").isLessThan(connections);
		}
		finally {
			executor.shutdownNow();
		}
		ServerListener listener = server.listener("anet").orElseThrow();
		assertThat(listener.connectionsAccepted()).isEqualTo(connections);
		assertThat(listener.unanswerable()).isZero();
		assertThat(server.stats().requestsOk()).isEqualTo(connections * perConnection);
	}

	@Test
	void anetPayloadsOfEdgeSizesAreEchoed() throws Exception {
		FastnetServer server = start(echoRoutes(), anet("echo"));
		AnetRawClient client = connectAnet(server);
		for (int size : new int[] { 0, 1, 65531 }) {
			byte[] payload = new byte[size];
			Arrays.fill(payload, (byte) size);
			client.send(size, payload);
			AnetRawClient.Message answer = client.read();
			assertThat(answer.taskId()).isEqualTo(size);
			assertThat(answer.payload()).isEqualTo(payload);
		}
	}

	@Test
	void anetLengthBelowFourClosesOnlyThatConnectionAndIsCounted() throws Exception {
		FastnetServer server = start(echoRoutes(), anet("echo"));
		AnetRawClient good = connectAnet(server);
		AnetRawClient bad = connectAnet(server);
		bad.sendRaw(new byte[] { 0, 3, 0, 0, 0 });
		assertThat(bad.isClosedByServer()).isTrue();
		good.send(1, new byte[] { 'x' });
		assertThat(good.read().payload()).containsExactly('x');
		await().untilAsserted(
				() -> assertThat(server.stats().invalidFrames(ProtocolViolation.LENGTH_TOO_SMALL)).isEqualTo(1));
	}

	@Test
	void anetHandlerFailureClosesTheConnectionWithoutAnswerAndIsCounted() throws Exception {
		Routes routes = Routes.builder().route("fail", Execution.EVENT_LOOP, (request) -> {
			throw new FastnetException(1404, "No such key");
		}).build();
		FastnetServer server = start(routes, anet("fail"));
		AnetRawClient client = connectAnet(server);
		client.send(7, new byte[] { 1 });
		assertThat(client.isClosedByServer()).isTrue();
		ServerListener listener = server.listener("anet").orElseThrow();
		await().untilAsserted(() -> assertThat(listener.unanswerable()).isEqualTo(1));
		assertThat(server.stats().applicationErrors()).isEqualTo(1);
	}

	@Test
	void lengthFieldListenerWithoutCorrelationIdServesOneRequestAtATimeInOrder() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Routes routes = Routes.builder().route("echo", Execution.PLATFORM, (request) -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			byte[] payload = request.payloadBytes();
			running.decrementAndGet();
			return payload;
		}).build();
		FastnetServer server = start(routes,
				ListenerConfig.builder("u32", LengthFieldFraming.builder().build())
					.host("127.0.0.1")
					.route("echo")
					.build());
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", server.listener("u32").orElseThrow().port()), 5000);
			socket.setSoTimeout(10_000);
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			DataInputStream in = new DataInputStream(socket.getInputStream());
			for (int i = 0; i < 200; i++) {
				byte[] payload = ("m" + i).getBytes(StandardCharsets.UTF_8);
				out.writeInt(payload.length);
				out.write(payload);
			}
			out.flush();
			for (int i = 0; i < 200; i++) {
				byte[] payload = new byte[in.readInt()];
				in.readFully(payload);
				assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("m" + i);
			}
		}
		assertThat(mostAtOnce).hasValue(1);
	}

	@Test
	void everyListenerReportsItsOwnFiguresAndTheDefaultOneStillSpeaksFastnet() throws Exception {
		FastnetServer server = start(echoRoutes(), anet("echo"));
		assertThat(server.listeners()).extracting(ServerListener::name).containsExactly("default", "anet");
		try (RawClient fastnet = RawClient.connect(server.port())) {
			fastnet.request(1, "echo", "hello");
			assertThat(fastnet.read().payloadString()).isEqualTo("hello");
		}
		AnetRawClient client = connectAnet(server);
		client.send(1, new byte[] { 'a', 'b' });
		client.read();
		ServerListener anet = server.listener("anet").orElseThrow();
		assertThat(anet.port()).isNotEqualTo(server.port());
		assertThat(anet.connectionsOpen()).isEqualTo(1);
		assertThat(anet.bytesRead()).isEqualTo(8);
		await().untilAsserted(() -> assertThat(anet.bytesWritten()).isEqualTo(8));
		assertThat(server.stats().bytesRead()).isEqualTo(server.listeners().get(0).bytesRead() + 8);
	}

	@Test
	void listenerConnectionsBeyondItsOwnLimitAreClosedAtAccept() throws Exception {
		FastnetServer server = start(echoRoutes(),
				ListenerConfig.builder("anet", Framing.anet())
					.host("127.0.0.1")
					.route("echo")
					.maxConnections(1)
					.build());
		AnetRawClient first = connectAnet(server);
		first.send(1, new byte[] { 'a' });
		first.read();
		assertThat(closedAtAccept(server)).isTrue();
		assertThat(server.stats().connectionsRejected()).isEqualTo(1);
		try (RawClient fastnet = RawClient.connect(server.port())) {
			fastnet.request(1, "echo", "default listener unaffected");
			assertThat(fastnet.read().payloadString()).isEqualTo("default listener unaffected");
		}
		first.send(2, new byte[] { 'b' });
		assertThat(first.read().taskId()).isEqualTo(2);
		assertThat(server.listener("anet").orElseThrow().connectionsOpen()).isEqualTo(1);
	}

	@Test
	void drainClosesEveryListenerAndResumeBindsThemAgain() throws Exception {
		FastnetServer server = start(echoRoutes(), anet("echo"));
		int anetPort = server.listener("anet").orElseThrow().port();
		assertThat(server.drain()).isTrue();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> new AnetRawClient(anetPort).close());
		assertThat(server.resume()).isTrue();
		try (AnetRawClient client = new AnetRawClient(anetPort)) {
			client.send(3, new byte[] { 'z' });
			assertThat(client.read().taskId()).isEqualTo(3);
		}
	}

	@Test
	void listenerWhosePortIsTakenFailsTheStartAndReleasesTheOthers() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			FastnetServer server = FastnetServer
				.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
				.listener(ListenerConfig.builder("anet", Framing.anet())
					.host("127.0.0.1")
					.port(taken.getLocalPort())
					.route("echo")
					.build())
				.routes(echoRoutes())
				.build();
			assertThatExceptionOfType(PortInUseException.class).isThrownBy(server::start);
			assertThat(server.state()).isEqualTo(FastnetServer.State.STOPPED);
		}
	}

	@Test
	void listenerConfigurationIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> ListenerConfig.builder("anet", Framing.anet()).build())
			.withMessage("route of listener 'anet' must be set for the anet framing, at most 255 UTF-8 bytes: null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ListenerConfig.builder("anet", Framing.anet()).route("echo").maxFrameSize(3).build())
			.withMessage("maxFrameSize of listener 'anet' must be between 4 and 65535 for the anet framing: 3");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FastnetServer.builder(ServerConfig.defaults())
				.listener(ListenerConfig.builder("default", Framing.anet()).route("echo").build()))
			.withMessage("Listener name 'default' is already in use");
	}

}
