package dev.fastnet.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the limits a {@link FastnetServer} puts on what a peer can make
 * it hold: headers, unfinished frames and the time a frame may take to arrive.
 */
class FrameLimitsIntegrationTests {

	private final List<FastnetServer> servers = new ArrayList<>();

	private final List<RawClient> clients = new ArrayList<>();

	private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() throws Exception {
		this.sender.shutdownNow();
		assertThat(this.sender.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
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
				.route("size", Execution.EVENT_LOOP, (request) -> Integer.toString(request.payload().readableBytes()))
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
		// The first frame back answers the request: nothing was sent for the one-way
		// message
		assertThat(client.read().payloadString()).isEqualTo("next 1");
		assertThat(server.stats().errors(Status.BAD_REQUEST)).isEqualTo(1);
	}

	@Test
	void frameNotCompleteWithinTheFrameTimeoutClosesOnlyItsConnection() throws IOException {
		FastnetServer server = start((config) -> config.frameTimeout(Duration.ofMillis(300)));
		RawClient bystander = connect(server);
		RawClient offender = connect(server);
		byte[] frame = RawClient.encode(RawClient.REQUEST, 1, "size", Map.of(), new byte[1000]);
		long start = System.nanoTime();
		offender.send(Arrays.copyOf(frame, frame.length - 2));
		assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
		bystander.send(frame);
		assertThat(bystander.read().payloadString()).isEqualTo("1000");
		assertThat(server.stats().connectionsFrameTimedOut()).isEqualTo(1);
		assertThat(server.stats().invalidFrames()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 0);
	}

	@Test
	void tricklingSenderIsClosedByTheFrameTimeoutAlthoughItIsNeverIdle() throws Exception {
		FastnetServer server = start(
				(config) -> config.idleTimeout(Duration.ofSeconds(3)).frameTimeout(Duration.ofMillis(500)));
		RawClient trickler = connect(server);
		byte[] frame = RawClient.encode(RawClient.REQUEST, 1, "size", Map.of(), new byte[1000]);
		AtomicInteger sent = new AtomicInteger();
		long start = System.nanoTime();
		// One byte every 50 ms: the connection is never idle, its frame never complete
		this.sender.scheduleAtFixedRate(() -> {
			try {
				trickler.send(new byte[] { frame[sent.getAndIncrement()] });
			}
			catch (IOException ex) {
				throw new IllegalStateException("Closed by the server", ex);
			}
		}, 0, 50, TimeUnit.MILLISECONDS);
		assertThat(trickler.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(490));
		assertThat(sent.get()).isGreaterThan(5);
		assertThat(server.stats().connectionsFrameTimedOut()).isEqualTo(1);
		assertThat(server.stats().connectionsIdleClosed()).isZero();
	}

	@Test
	void framesThatEachArriveInTimeAreNotClosedWhilePartOfAFrameIsAlwaysBuffered() throws Exception {
		FastnetServer server = start((config) -> config.frameTimeout(Duration.ofSeconds(1)));
		RawClient client = connect(server);
		int frames = 40;
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		for (int id = 1; id <= frames; id++) {
			stream.writeBytes(RawClient.encode(RawClient.REQUEST, id, "size", Map.of(), new byte[200]));
		}
		byte[] bytes = stream.toByteArray();
		int frameLength = bytes.length / frames;
		CountDownLatch done = new CountDownLatch(1);
		AtomicInteger step = new AtomicInteger();
		// Every 50 ms the end of one frame and the beginning of the next: 2 s in all,
		// twice the
		// frame timeout, with an unfinished frame buffered all along
		this.sender.scheduleAtFixedRate(() -> {
			int i = step.getAndIncrement();
			int from = (i == 0) ? 0 : i * frameLength - frameLength / 2;
			int to = Math.min(bytes.length, (i + 1) * frameLength - frameLength / 2);
			if (from >= bytes.length) {
				done.countDown();
				throw new IllegalStateException("Done");
			}
			try {
				client.send(Arrays.copyOfRange(bytes, from, to));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}, 0, 50, TimeUnit.MILLISECONDS);
		assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
		Set<Integer> answered = new HashSet<>();
		for (int i = 0; i < frames; i++) {
			RawFrame answer = client.read();
			assertThat(answer.payloadString()).isEqualTo("200");
			answered.add(answer.id());
		}
		assertThat(answered).hasSize(frames);
		assertThat(server.stats().connectionsFrameTimedOut()).isZero();
	}

	@Test
	void connectionWithTheLargestPartialFrameIsClosedWhenPartialFramesExceedTheLimit() throws IOException {
		FastnetServer server = start((config) -> config.frameTimeout(Duration.ZERO).maxPartialFrameBytes(100_000));
		RawClient largest = connect(server);
		RawClient second = connect(server);
		RawClient third = connect(server);
		byte[] frame = RawClient.encode(RawClient.REQUEST, 1, "size", Map.of(), new byte[65_000]);
		largest.send(Arrays.copyOf(frame, 60_000));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 60_000);
		second.send(Arrays.copyOf(frame, 30_000));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 90_000);
		// Over the limit now: the largest goes, the others stay
		third.send(Arrays.copyOf(frame, 20_000));
		assertThat(largest.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 50_000);
		second.send(Arrays.copyOfRange(frame, 30_000, frame.length));
		assertThat(second.read().payloadString()).isEqualTo("65000");
		third.send(Arrays.copyOfRange(frame, 20_000, frame.length));
		assertThat(third.read().payloadString()).isEqualTo("65000");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connectionsClosedForPartialFrames() == 1);
	}

	@Test
	void connectionWhosePartialFrameAloneExceedsTheLimitIsClosed() throws IOException {
		FastnetServer server = start((config) -> config.frameTimeout(Duration.ZERO).maxPartialFrameBytes(10_000));
		RawClient bystander = connect(server);
		RawClient offender = connect(server);
		byte[] frame = RawClient.encode(RawClient.REQUEST, 1, "size", Map.of(), new byte[30_000]);
		offender.send(Arrays.copyOf(frame, 20_000));
		assertThat(offender.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		// Small enough that no read of it can leave more than the limit buffered
		bystander.send(RawClient.encode(RawClient.REQUEST, 1, "size", Map.of(), new byte[5000]));
		assertThat(bystander.read().payloadString()).isEqualTo("5000");
		// Counted on the server's event loop, which may run after the peer saw the close
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connectionsClosedForPartialFrames() == 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 0);
	}

}
