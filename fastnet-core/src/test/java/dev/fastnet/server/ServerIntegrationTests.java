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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import dev.fastnet.worker.WorkerPoolOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} over real loopback sockets, driven by a
 * client written from the protocol document alone: requests, answers and handler
 * failures.
 */
class ServerIntegrationTests extends ServerIntegrationTestSupport {

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
		// Virtual threads from Java 21 on; before that the platform pool takes the
		// handler
		assertThat(client.read().payloadString())
			.matches((Runtime.version().feature() >= 21) ? "fastnet-worker-virtual-\\d+" : "fastnet-worker-\\d+");
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
		// The first frame that comes back answers the request: nothing was sent for the
		// one-ways
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
	void secondServerOnTheSamePortFailsWithPortInUse() {
		FastnetServer first = start(echoRoutes());
		FastnetServer second = FastnetServer
			.create(ServerConfig.builder().host("127.0.0.1").port(first.port()).ioThreads(1).build(), echoRoutes());
		assertThatExceptionOfType(PortInUseException.class).isThrownBy(second::start)
			.satisfies((ex) -> assertThat(ex.port()).isEqualTo(first.port()))
			.withMessage("Port " + first.port() + " is already in use");
		assertThat(second.state()).isEqualTo(FastnetServer.State.STOPPED);
	}

}
