package dev.fastnet.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.worker.WorkerPoolOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} over real loopback sockets, driven by a client
 * written from the protocol document alone.
 */
class ServerIntegrationTests {

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

	private FastnetServer start(Routes routes) {
		return start(routes, (config) -> {
		}, (builder) -> {
		});
	}

	private FastnetServer start(Routes routes, Consumer<ServerConfig.Builder> config) {
		return start(routes, config, (builder) -> {
		});
	}

	private FastnetServer start(Routes routes, Consumer<ServerConfig.Builder> config,
			Consumer<FastnetServer.Builder> server) {
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

	private RawClient connect(FastnetServer server) throws IOException {
		RawClient client = RawClient.connect(server.port());
		this.clients.add(client);
		return client;
	}

	@Test
	void everyConnectionAllocatesFromTheConfiguredAllocator() throws Exception {
		ByteBufAllocator allocator = new PooledByteBufAllocator(true);
		Set<ByteBufAllocator> used = ConcurrentHashMap.newKeySet();
		FastnetServer server = start(echoRoutes(), (config) -> {
		}, (builder) -> builder.allocator(allocator)
			.pipelineCustomizer((pipeline) -> used.add(pipeline.channel().alloc())));
		RawClient client = connect(server);
		client.request(1, "echo", "pooled");
		assertThat(client.read().payloadString()).isEqualTo("pooled");
		assertThat(used).containsExactly(allocator);
	}

	private static Routes echoRoutes() {
		return Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build();
	}

	@Test
	void echoAnswersWithTheSamePayloadAndId() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.request(77, "echo", "hello");
		RawFrame answer = client.read();
		assertThat(answer.version()).isEqualTo(1);
		assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answer.id()).isEqualTo(77);
		assertThat(answer.route()).isEmpty();
		assertThat(answer.payloadString()).isEqualTo("hello");
		assertThat(server.stats().requestsOk()).isEqualTo(1);
		assertThat(server.stats().bytesRead()).isEqualTo(4 + 8 + 4 + 5);
	}

	@Test
	void serverBindsIpv6Loopback() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.host("::1"));
		assertThat(server.address().getAddress().getHostAddress()).isIn("0:0:0:0:0:0:0:1", "::1");
		try (RawClient client = new RawClient(new InetSocketAddress("::1", server.port()))) {
			client.request(1, "echo", "v6");
			assertThat(client.read().payloadString()).isEqualTo("v6");
		}
	}

	@Test
	void handlersRunWhereTheirRouteSays() throws IOException {
		FastnetServer server = start(Routes.builder()
			.route("loop", Execution.EVENT_LOOP, (request) -> Thread.currentThread().getName())
			.route("platform", Execution.PLATFORM, (request) -> Thread.currentThread().getName())
			.route("virtual", Execution.VIRTUAL, (request) -> Thread.currentThread().getName())
			.build());
		RawClient client = connect(server);
		client.request(1, "loop", "");
		assertThat(client.read().payloadString()).startsWith("fastnet-server-io");
		client.request(2, "platform", "");
		assertThat(client.read().payloadString()).matches("fastnet-worker-\\d+");
		client.request(3, "virtual", "");
		// Virtual threads from Java 21 on; before that the platform pool takes the handler
		assertThat(client.read().payloadString()).matches((Runtime.version().feature() >= 21)
				? "fastnet-worker-virtual-\\d+" : "fastnet-worker-\\d+");
	}

	@Test
	void pingIsAnsweredWithPongEchoingItsId() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.send(RawClient.PING, 42, "", Map.of(), new byte[0]);
		RawFrame pong = client.read();
		assertThat(pong.type()).isEqualTo(RawClient.PONG);
		assertThat(pong.id()).isEqualTo(42);
	}

	@Test
	void unknownRouteIsAnswered404() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.request(5, "nope", "");
		RawFrame answer = client.read();
		assertThat(answer.type()).isEqualTo(RawClient.ERROR);
		assertThat(answer.id()).isEqualTo(5);
		assertThat(answer.errorStatus()).isEqualTo(404);
		assertThat(answer.errorMessage()).isEqualTo("No handler for route 'nope'");
		assertThat(server.stats().errors(Status.NOT_FOUND)).isEqualTo(1);
	}

	@Test
	void peerPingingFasterThanAllowedIsForgivenTwiceThenSentGoAwayAndClosed() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.minPingInterval(Duration.ofSeconds(10)));
		RawClient client = connect(server);
		byte[] ping = RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]);
		java.io.ByteArrayOutputStream pings = new java.io.ByteArrayOutputStream();
		for (int i = 0; i < 10; i++) {
			pings.writeBytes(ping);
		}
		client.send(pings.toByteArray());
		// The first is accepted, the next two are strikes forgiven, the fourth ends the connection
		for (int i = 0; i < 3; i++) {
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.stats().connectionsClosedForPingAbuse()).isEqualTo(1);
	}

	@Test
	void pingsWhileRequestsAreInFlightOrAfterAnAnswerAreNoStrikes() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("slow", (request) -> {
				release.await(10, TimeUnit.SECONDS);
				return "done";
			})
			.build(), (config) -> config.minPingInterval(Duration.ofSeconds(10)).maxPingStrikes(0));
		RawClient client = connect(server);
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		for (int i = 1; i <= 3; i++) {
			client.request(i, "echo", "x");
			assertThat(client.read().type()).isEqualTo(RawClient.RESPONSE);
			client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		client.request(4, "slow", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		for (int i = 0; i < 3; i++) {
			client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		}
		release.countDown();
		assertThat(client.read().payloadString()).isEqualTo("done");
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.PONG);
		assertThat(server.stats().connectionsClosedForPingAbuse()).isZero();
		// With nothing else going on, the next one is a strike, and none is forgiven here
		client.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.stats().connectionsClosedForPingAbuse()).isEqualTo(1);
	}

	@Test
	void handlerExceptionIsAnswered500WithItsMessageAndTheConnectionStaysOpen() throws IOException {
		FastnetServer server = start(Routes.builder().route("boom", (request) -> {
			throw new IllegalStateException("boom");
		}).route("echo", (request) -> request.payloadString()).build());
		RawClient client = connect(server);
		client.request(1, "boom", "");
		RawFrame answer = client.read();
		assertThat(answer.errorStatus()).isEqualTo(500);
		assertThat(answer.errorMessage()).isEqualTo("boom");
		client.request(2, "echo", "still here");
		assertThat(client.read().payloadString()).isEqualTo("still here");
	}

	@Test
	void fastnetExceptionIsAnsweredWithItsApplicationStatus() throws IOException {
		FastnetServer server = start(Routes.builder().route("kv.get", (request) -> {
			throw new FastnetException(1404, "No such key: " + request.payloadString());
		}).build());
		RawClient client = connect(server);
		client.request(3, "kv.get", "k");
		RawFrame answer = client.read();
		assertThat(answer.errorStatus()).isEqualTo(1404);
		assertThat(answer.errorMessage()).isEqualTo("No such key: k");
		assertThat(server.stats().applicationErrors()).isEqualTo(1);
	}

	@Test
	void failureOfACallToAnotherServerAnswers500UnlessItCarriesAnApplicationStatus() throws IOException {
		FastnetServer server = start(Routes.builder().route("downstream.missing", (request) -> {
			throw new dev.fastnet.client.FastnetRemoteException(404, "No handler for route 'elsewhere'");
		}).route("downstream.app", (request) -> {
			throw new dev.fastnet.client.FastnetRemoteException(1404, "No such key: k");
		}).build());
		RawClient client = connect(server);
		client.request(1, "downstream.missing", "");
		RawFrame missing = client.read();
		assertThat(missing.errorStatus()).isEqualTo(500);
		assertThat(missing.errorMessage()).isEqualTo("No handler for route 'elsewhere'");
		client.request(2, "downstream.app", "");
		assertThat(client.read().errorStatus()).isEqualTo(1404);
	}

	@Test
	void answerLargerThanAFrameIsAnswered500AndTheConnectionStaysOpen() throws IOException {
		FastnetServer server = start(Routes.builder()
			.route("big", (request) -> new byte[2000])
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.build(), (config) -> config.maxFrameSize(1024));
		RawClient client = connect(server);
		client.request(1, "big", "");
		RawFrame answer = client.read();
		assertThat(answer.errorStatus()).isEqualTo(500);
		assertThat(answer.errorMessage()).isEqualTo("Answer of 2000 bytes exceeds the maximum of 1016");
		client.request(2, "echo", "fine");
		assertThat(client.read().payloadString()).isEqualTo("fine");
	}

	@Test
	void asyncHandlerIsAnsweredWhenItsStageCompletes() throws IOException {
		CompletableFuture<String> later = new CompletableFuture<>();
		FastnetServer server = start(Routes.builder().route("async", Execution.EVENT_LOOP, (request) -> later).build());
		RawClient client = connect(server);
		client.request(8, "async", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		later.complete("done");
		RawFrame answer = client.read();
		assertThat(answer.id()).isEqualTo(8);
		assertThat(answer.payloadString()).isEqualTo("done");
	}

	@Test
	void onewayIsHandledAndNeverAnswered() throws Exception {
		CountDownLatch handled = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("log", (request) -> {
			handled.countDown();
			return "ignored";
		}).route("echo", (request) -> request.payloadString()).build());
		RawClient client = connect(server);
		client.send(RawClient.ONEWAY, 0, "log", Map.of(), "x".getBytes(StandardCharsets.UTF_8));
		client.send(RawClient.ONEWAY, 0, "missing", Map.of(), new byte[0]);
		client.request(9, "echo", "after");
		// The first frame that comes back answers the request: nothing was sent for the one-ways
		RawFrame answer = client.read();
		assertThat(answer.id()).isEqualTo(9);
		assertThat(answer.payloadString()).isEqualTo("after");
		assertThat(awaitLatch(handled)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().onewayHandled() == 1);
	}

	@Test
	void thousandPipelinedRequestsAnsweredOutOfOrderAreCorrelated() throws IOException {
		FastnetServer server = start(Routes.builder().route("echo", (request) -> {
			Thread.sleep(ThreadLocalRandom.current().nextInt(3));
			return request.payloadString();
		}).build(), (config) -> config.workers(new WorkerPoolOptions(8, 1000, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		byte[] all = new byte[0];
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		for (int id = 1; id <= 1000; id++) {
			out.writeBytes(RawClient.encode(RawClient.REQUEST, id, "echo", Map.of(),
					("payload-" + id).getBytes(StandardCharsets.UTF_8)));
		}
		all = out.toByteArray();
		client.send(all);
		Set<Integer> seen = new HashSet<>();
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			RawFrame answer = client.read();
			assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(answer.payloadString()).isEqualTo("payload-" + answer.id());
			assertThat(seen.add(answer.id())).isTrue();
			order.add(answer.id());
		}
		assertThat(seen).hasSize(1000);
		assertThat(order).as("answers on 8 workers arrive out of order").isNotEqualTo(order.stream().sorted().toList());
	}

	@Test
	void fullWorkerQueueIsAnswered503Immediately() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			started.incrementAndGet();
			release.await(10, TimeUnit.SECONDS);
			return "ok";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(2, 4, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		for (int id = 1; id <= 50; id++) {
			client.request(id, "slow", "");
		}
		List<RawFrame> refused = new ArrayList<>();
		for (int i = 0; i < 44; i++) {
			refused.add(client.read());
		}
		assertThat(refused).allSatisfy((frame) -> {
			assertThat(frame.type()).isEqualTo(RawClient.ERROR);
			assertThat(frame.errorStatus()).isEqualTo(503);
			assertThat(frame.errorMessage()).isEqualTo("Server is overloaded: worker queue is full");
		});
		release.countDown();
		Set<Integer> answered = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			RawFrame frame = client.read();
			assertThat(frame.type()).isEqualTo(RawClient.RESPONSE);
			answered.add(frame.id());
		}
		assertThat(answered).hasSize(6);
		assertThat(started.get()).isEqualTo(6);
		assertThat(server.stats().errors(Status.UNAVAILABLE)).isEqualTo(44);
		assertThat(server.stats().workerRejected()).isEqualTo(44);
	}

	@Test
	void requestTimeoutIsAnswered408AndTheWorkerIsInterrupted() throws Exception {
		CountDownLatch interrupted = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("hang", (request) -> {
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			return "never";
		}).build(), (config) -> config.requestTimeout(Duration.ofMillis(200)));
		RawClient client = connect(server);
		long start = System.nanoTime();
		client.request(4, "hang", "");
		RawFrame answer = client.read();
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(answer.id()).isEqualTo(4);
		assertThat(answer.errorStatus()).isEqualTo(408);
		assertThat(answer.errorMessage()).isEqualTo("Request timed out after 200 ms");
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(190);
		assertThat(awaitLatch(interrupted)).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.stats().lateResults() == 1 && server.stats().workersActive() == 0);
		assertThat(server.inFlight()).isZero();
	}

	@Test
	void expiredDeadlineIsAnswered504WithoutRunningTheHandler() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger deadlineHandlerRuns = new AtomicInteger();
		FastnetServer server = start(Routes.builder().route("block", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "ok";
		}).route("work", (request) -> {
			deadlineHandlerRuns.incrementAndGet();
			return "ran";
		}).build(), (config) -> config.workers(new WorkerPoolOptions(1, 16, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		client.request(1, "block", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().workersActive() == 1);
		long sent = System.nanoTime();
		client.send(RawClient.REQUEST, 2, "work", Map.of("timeout-ms", "20"), new byte[0]);
		client.send(RawClient.REQUEST, 3, "work", Map.of("timeout-ms", "60000"), new byte[0]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().workerQueueSize() == 2);
		// The 20 ms budget runs out while the request waits in the queue
		await().atMost(Duration.ofSeconds(1))
			.until(() -> System.nanoTime() - sent > TimeUnit.MILLISECONDS.toNanos(40));
		release.countDown();
		Map<Integer, RawFrame> answers = new java.util.HashMap<>();
		for (int i = 0; i < 3; i++) {
			RawFrame frame = client.read();
			answers.put(frame.id(), frame);
		}
		assertThat(answers.get(2).errorStatus()).isEqualTo(504);
		assertThat(answers.get(3).payloadString()).isEqualTo("ran");
		assertThat(deadlineHandlerRuns.get()).isEqualTo(1);
		assertThat(server.stats().errors(Status.DEADLINE_EXPIRED)).isEqualTo(1);
	}

	@Test
	void invalidTimeoutHeaderIsAnswered400() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.send(RawClient.REQUEST, 6, "echo", Map.of("timeout-ms", "soon"), new byte[0]);
		RawFrame answer = client.read();
		assertThat(answer.errorStatus()).isEqualTo(400);
		assertThat(answer.errorMessage()).isEqualTo("Invalid timeout-ms header: soon");
	}

	@Test
	void oversizedFrameIsAnswered413ThenOnlyThatConnectionIsClosed() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.maxFrameSize(1024));
		RawClient bystander = connect(server);
		RawClient offender = connect(server);
		offender.send(RawClient.encode(RawClient.REQUEST, 99, "echo", Map.of(), new byte[2000]));
		RawFrame answer = offender.read();
		assertThat(answer.type()).isEqualTo(RawClient.ERROR);
		assertThat(answer.id()).isEqualTo(99);
		assertThat(answer.errorStatus()).isEqualTo(413);
		assertThat(answer.errorMessage()).isEqualTo("Frame length 2012 exceeds maximum 1024");
		assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		bystander.request(1, "echo", "unaffected");
		assertThat(bystander.read().payloadString()).isEqualTo("unaffected");
		assertThat(server.stats().invalidFrames(ProtocolViolation.FRAME_TOO_LARGE)).isEqualTo(1);
	}

	@Test
	void everyProtocolViolationClosesOnlyTheOffendingConnectionAndIsCounted() throws IOException {
		FastnetServer server = start(echoRoutes());
		RawClient bystander = connect(server);
		byte[] valid = RawClient.encode(RawClient.REQUEST, 1, "echo", Map.of("k", "v"), new byte[] { 1 });
		Map<ProtocolViolation, byte[]> violations = new java.util.LinkedHashMap<>();
		violations.put(ProtocolViolation.LENGTH_TOO_SMALL, new byte[] { 0, 0, 0, 3, 1, 0, 0 });
		violations.put(ProtocolViolation.BAD_VERSION, patch(valid, 4, 9));
		violations.put(ProtocolViolation.UNKNOWN_TYPE, patch(valid, 5, 200));
		violations.put(ProtocolViolation.RESERVED_FLAGS, patch(valid, 6, 0x81));
		violations.put(ProtocolViolation.OVERRUN, patch(valid, 11, 40));
		violations.put(ProtocolViolation.INVALID_UTF8, patch(valid, 12, 0xFF));
		violations.put(ProtocolViolation.UNEXPECTED_TYPE, RawClient.encode(RawClient.GOAWAY, 0, "", Map.of(), new byte[0]));
		for (Map.Entry<ProtocolViolation, byte[]> violation : violations.entrySet()) {
			try (RawClient offender = RawClient.connect(server.port())) {
				offender.send(violation.getValue());
				assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).as(violation.getKey().tag()).isTrue();
			}
			assertThat(server.stats().invalidFrames(violation.getKey())).as(violation.getKey().tag()).isEqualTo(1);
			bystander.request(2, "echo", violation.getKey().tag());
			assertThat(bystander.read().payloadString()).isEqualTo(violation.getKey().tag());
		}
	}

	/**
	 * Whether a new connection is closed by the server at once; the reset may already surface
	 * while the socket is being set up.
	 */
	private boolean isRefused(FastnetServer server) throws IOException {
		try {
			return connect(server).isClosedByPeer(Duration.ofSeconds(5));
		}
		catch (java.net.SocketException ex) {
			return true;
		}
	}

	private static byte[] patch(byte[] frame, int index, int value) {
		byte[] copy = frame.clone();
		copy[index] = (byte) value;
		return copy;
	}

	@Test
	void connectionsBeyondTheLimitAreClosedAtAcceptAndCounted() throws IOException {
		FastnetServer server = start(echoRoutes(), (config) -> config.maxConnections(2));
		RawClient first = connect(server);
		RawClient second = connect(server);
		first.request(1, "echo", "a");
		second.request(1, "echo", "b");
		assertThat(first.read().payloadString()).isEqualTo("a");
		assertThat(second.read().payloadString()).isEqualTo("b");
		assertThat(isRefused(server)).isTrue();
		assertThat(server.stats().connectionsRejected()).isEqualTo(1);
		assertThat(server.stats().connectionsOpen()).isEqualTo(2);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connectionsOpen() == 1);
		RawClient fourth = connect(server);
		fourth.request(1, "echo", "d");
		assertThat(fourth.read().payloadString()).isEqualTo("d");
	}

	@Test
	void peerThatDoesNotReadItsAnswersIsNotAnsweredBeyondTheWriteBuffer() throws IOException {
		FastnetServer server = start(Routes.builder()
			.route("big", Execution.EVENT_LOOP, (request) -> new byte[256 * 1024])
			.build(), (config) -> config.writeBufferWaterMarks(32 * 1024, 64 * 1024));
		try (RawClient client = new RawClient(new InetSocketAddress("127.0.0.1", server.port()), 4096)) {
			// 100 requests in one write: about 25 MiB of answers, far more than the socket buffers hold
			java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
			for (int id = 1; id <= 100; id++) {
				burst.writeBytes(RawClient.encode(RawClient.REQUEST, id, "big", Map.of(), new byte[0]));
			}
			client.send(burst.toByteArray());
			// While nothing is read, the server stops producing answers instead of queueing them all
			await().atMost(Duration.ofSeconds(10))
				.during(Duration.ofMillis(300))
				.until(() -> server.stats().requestsOk() < 100);
			long answeredWhileBlocked = server.stats().requestsOk();
			assertThat(answeredWhileBlocked).isLessThan(100);
			// Reading resumes the server: every request is answered, in order, none lost
			for (int id = 1; id <= 100; id++) {
				RawFrame answer = client.read();
				assertThat(answer.id()).isEqualTo(id);
				assertThat(answer.payload()).hasSize(256 * 1024);
			}
		}
	}

	@Test
	void idleConnectionIsClosedButPingKeepsASessionAlive() throws IOException {
		List<String> events = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(),
				(config) -> config.idleTimeout(Duration.ofMillis(300)).minPingInterval(Duration.ZERO),
				(builder) -> builder.sessionListener(new SessionListener() {
					@Override
					public void onIdle(Session session) {
						events.add("idle");
					}
				}));
		RawClient pinging = connect(server);
		RawClient silent = connect(server);
		long start = System.nanoTime();
		CompletableFuture<Boolean> silentClosed = CompletableFuture.supplyAsync(() -> {
			try {
				return silent.isClosedByPeer(Duration.ofSeconds(5));
			}
			catch (IOException ex) {
				return false;
			}
		});
		// Ping every 50 ms until the silent connection is closed: pings keep the other one alive
		int pings = 0;
		while (!silentClosed.isDone()) {
			pinging.send(RawClient.PING, 0, "", Map.of(), new byte[0]);
			assertThat(pinging.read().type()).isEqualTo(RawClient.PONG);
			pings++;
			try {
				silentClosed.get(50, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
				// still open: ping again
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		assertThat(silentClosed.join()).isTrue();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
		assertThat(pings).isGreaterThan(1);
		pinging.request(1, "echo", "alive");
		assertThat(pinging.read().payloadString()).isEqualTo("alive");
		assertThat(events).containsExactly("idle");
		assertThat(server.stats().connectionsIdleClosed()).isEqualTo(1);
	}

	@Test
	void sessionListenersSeeOpenAndCloseAndSessionsCanPush() throws IOException {
		List<String> events = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(), (config) -> {
		}, (builder) -> builder.sessionListener(new SessionListener() {
			@Override
			public void onOpen(Session session) {
				events.add("open");
			}

			@Override
			public void onClose(Session session) {
				events.add("close");
			}
		}));
		RawClient client = connect(server);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 1);
		Session session = server.sessions().iterator().next();
		assertThat(session.push("news", "flash".getBytes(StandardCharsets.UTF_8))).succeedsWithin(Duration.ofSeconds(5));
		RawFrame push = client.read();
		assertThat(push.type()).isEqualTo(RawClient.PUSH);
		assertThat(push.id()).isZero();
		assertThat(push.route()).isEqualTo("news");
		assertThat(push.payloadString()).isEqualTo("flash");
		client.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
		assertThat(events).containsExactly("open", "close");
	}

	@Test
	void sessionListenersHearOfProtocolErrors() throws IOException {
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(), (config) -> {
		}, (builder) -> builder.sessionListener(new SessionListener() {
			@Override
			public void onError(Session session, Throwable error) {
				errors.add(error);
			}
		}));
		try (RawClient client = RawClient.connect(server.port())) {
			client.send(new byte[] { 0, 0, 0, 2, 1, 0 });
			assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() == 1);
		assertThat(errors.get(0)).isInstanceOfSatisfying(dev.fastnet.protocol.ProtocolException.class,
				(ex) -> assertThat(ex.violation()).isEqualTo(ProtocolViolation.LENGTH_TOO_SMALL));
	}

	@Test
	void secondServerOnTheSamePortFailsWithPortInUse() {
		FastnetServer first = start(echoRoutes());
		FastnetServer second = FastnetServer.create(
				ServerConfig.builder().host("127.0.0.1").port(first.port()).ioThreads(1).build(), echoRoutes());
		assertThatExceptionOfType(PortInUseException.class).isThrownBy(second::start)
			.satisfies((ex) -> assertThat(ex.port()).isEqualTo(first.port()))
			.withMessage("Port " + first.port() + " is already in use");
		assertThat(second.state()).isEqualTo(FastnetServer.State.STOPPED);
	}

	@Test
	void gracefulStopAnswersEveryRequestInFlightAndRefusesNewOnesWith503() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "done-" + request.id();
		}).build(), (config) -> config.workers(new WorkerPoolOptions(16, 1000, 1, "fastnet-worker-")));
		RawClient client = connect(server);
		java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
		for (int id = 1; id <= 500; id++) {
			burst.writeBytes(RawClient.encode(RawClient.REQUEST, id, "slow", Map.of(), new byte[0]));
		}
		client.send(burst.toByteArray());
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 500);
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		assertThat(server.shutdownGracefully(Duration.ofSeconds(1))).isSameAs(stopped);
		RawFrame goAway = client.read();
		assertThat(goAway.type()).isEqualTo(RawClient.GOAWAY);
		assertThat(goAway.id()).isZero();
		// New connections are refused at the network layer
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> RawClient.connect(server.port()).close());
		client.request(501, "slow", "");
		RawFrame refused = client.read();
		assertThat(refused.id()).isEqualTo(501);
		assertThat(refused.errorStatus()).isEqualTo(503);
		assertThat(refused.errorMessage()).isEqualTo("Server is shutting down");
		release.countDown();
		Set<Integer> answered = new HashSet<>();
		for (int i = 0; i < 500; i++) {
			RawFrame frame = client.read();
			assertThat(frame.type()).isEqualTo(RawClient.RESPONSE);
			assertThat(frame.payloadString()).isEqualTo("done-" + frame.id());
			answered.add(frame.id());
		}
		assertThat(answered).hasSize(500);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(server.state()).isEqualTo(FastnetServer.State.STOPPED);
	}

	@Test
	void requestRefusedWhileDrainingIsAnsweredOnlyAfterTheConnectionsGoAway() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("gate", Execution.EVENT_LOOP, (request) -> {
			// Holds the event loop in the middle of a read: the second request is already buffered
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			return "passed";
		}).build());
		RawClient client = connect(server);
		java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
		both.writeBytes(RawClient.encode(RawClient.REQUEST, 1, "gate", Map.of(), new byte[0]));
		both.writeBytes(RawClient.encode(RawClient.REQUEST, 2, "gate", Map.of(), new byte[0]));
		client.send(both.toByteArray());
		assertThat(awaitLatch(entered)).isTrue();
		// Draining starts while the event loop is busy, so the GOAWAY task queues behind the read
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		release.countDown();
		List<RawFrame> frames = new ArrayList<>();
		RawFrame frame;
		do {
			frame = client.read();
			frames.add(frame);
		}
		while (frame.type() != RawClient.ERROR);
		assertThat(frame.id()).isEqualTo(2);
		assertThat(frame.errorStatus()).isEqualTo(503);
		assertThat(frame.errorMessage()).isEqualTo("Server is shutting down");
		assertThat(frames).extracting(RawFrame::type)
			.as("frames before the 503")
			.containsExactly(RawClient.RESPONSE, RawClient.GOAWAY, RawClient.ERROR);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void requestsAPeerWritesBeforeItReadsTheGoAwayAreAllAnsweredBeforeTheConnectionCloses() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("slow", (request) -> {
			release.await(10, TimeUnit.SECONDS);
			return "done";
		}).build());
		RawClient client = connect(server);
		client.request(1, "slow", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		Map<Integer, RawFrame> answers = new java.util.concurrent.ConcurrentHashMap<>();
		List<Integer> goAwaysBefore = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
			try {
				while (true) {
					RawFrame frame = client.read();
					if (frame.type() == RawClient.GOAWAY) {
						goAwaysBefore.add(answers.size());
					}
					else {
						assertThat(answers.put(frame.id(), frame)).as("second answer to " + frame.id()).isNull();
					}
				}
			}
			catch (IOException ex) {
				// End of stream or reset: the server closed the connection
			}
		});
		long start = System.nanoTime();
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
		// The peer goes on writing as if it had not read the GOAWAY yet, also after the last
		// request in flight is answered, which is when the server used to close the connection
		List<Integer> written = new ArrayList<>();
		written.add(1);
		for (int id = 2; id <= 400; id++) {
			if (id == 200) {
				release.countDown();
				await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 0);
			}
			try {
				client.request(id, "slow", "");
			}
			catch (IOException ex) {
				break;
			}
			written.add(id);
		}
		assertThat(closed).succeedsWithin(Duration.ofSeconds(10));
		assertThat(written).hasSize(400);
		assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(written);
		assertThat(answers.get(1).type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answers.values()).filteredOn((frame) -> frame.id() != 1)
			.allSatisfy((frame) -> assertThat(frame.errorStatus()).isEqualTo(503));
		assertThat(goAwaysBefore).containsExactly(0);
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
		// Closed once idle for the linger time, well before the grace ends
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
	}

	@Test
	void drainedServerRefusesRequestsUntilResumed() throws Exception {
		FastnetServer server = start(echoRoutes());
		RawClient client = connect(server);
		client.request(1, "echo", "before");
		assertThat(client.read().payloadString()).isEqualTo("before");
		assertThat(server.drain()).isTrue();
		assertThat(server.drain()).isFalse();
		assertThat(server.state()).isEqualTo(FastnetServer.State.DRAINING);
		assertThat(client.read().type()).isEqualTo(RawClient.GOAWAY);
		client.request(2, "echo", "while drained");
		assertThat(client.read().errorStatus()).isEqualTo(503);
		// New connections are refused, so that clients back off rather than reconnect per call
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> RawClient.connect(server.port()).close());
		int port = server.port();
		assertThat(server.resume()).isTrue();
		assertThat(server.port()).isEqualTo(port);
		assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
		RawClient fresh = connect(server);
		fresh.request(3, "echo", "after");
		RawFrame answer = fresh.read();
		assertThat(answer.type()).isEqualTo(RawClient.RESPONSE);
		assertThat(answer.payloadString()).isEqualTo("after");
		// A stop cannot be undone
		CompletableFuture<GracefulShutdownResult> stopped = server.shutdownGracefully(Duration.ofSeconds(5));
		assertThat(server.resume()).isFalse();
		assertThat(stopped).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(GracefulShutdownResult.IDLE);
	}

	@Test
	void gracefulStopEndsAfterTheGraceWhenRequestsHang() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		FastnetServer server = start(Routes.builder().route("hang", (request) -> {
			never.await(30, TimeUnit.SECONDS);
			return "late";
		}).build(), (config) -> config.requestTimeout(Duration.ZERO));
		RawClient client = connect(server);
		client.request(1, "hang", "");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 1);
		long start = System.nanoTime();
		GracefulShutdownResult result = server.stop(Duration.ofMillis(300));
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(result).isEqualTo(GracefulShutdownResult.REQUESTS_ACTIVE);
		assertThat(elapsedMillis).isBetween(250L, 5000L);
		assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
	}

	private static boolean awaitLatch(CountDownLatch latch) throws InterruptedException {
		return latch.await(10, TimeUnit.SECONDS);
	}

}
