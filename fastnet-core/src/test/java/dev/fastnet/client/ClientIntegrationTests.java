package dev.fastnet.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.fastnet.FastnetException;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.session.Session;
import dev.fastnet.test.RawClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetClient} requests, one-way messages, pings, pushes,
 * GOAWAY and close, against real servers on loopback.
 */
class ClientIntegrationTests extends ClientTestSupport {

	private final List<CompletableFuture<Object>> held = new ArrayList<>();

	private Routes routes() {
		return Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("fail", Execution.EVENT_LOOP, (request) -> {
				throw new FastnetException(1404, "No such key: " + request.payloadString());
			})
			.route("deadline", Execution.EVENT_LOOP, (request) -> String.valueOf(request.header("timeout-ms")))
			.route("slow", (request) -> {
				Thread.sleep(Long.parseLong(request.payloadString()));
				return "slept";
			})
			.route("hold", Execution.EVENT_LOOP, (request) -> {
				CompletableFuture<Object> answer = new CompletableFuture<>();
				synchronized (this.held) {
					this.held.add(answer);
				}
				return answer;
			})
			.route("subscribe", Execution.EVENT_LOOP, (request) -> {
				Session session = request.session();
				session.push("news", bytes("first " + request.payloadString()));
				session.push("other", bytes("unrouted"));
				return "subscribed";
			})
			.build();
	}

	private int heldCount() {
		synchronized (this.held) {
			return this.held.size();
		}
	}

	private void releaseHeld() {
		synchronized (this.held) {
			this.held.forEach((answer) -> answer.complete("released"));
		}
	}

	@Test
	void requestIsAnsweredWithTheServersReply() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		Reply reply = client.request("echo", bytes("hello")).get(5, TimeUnit.SECONDS);
		assertThat(reply.payloadString()).isEqualTo("hello");
		assertThat(reply.headers()).isEmpty();
		assertThat(client.requestBlocking("echo", bytes("again")).payloadString()).isEqualTo("again");
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.requestsOk()).isEqualTo(2);
		assertThat(stats.state()).isEqualTo(EndpointState.UP);
		assertThat(stats.open()).isEqualTo(1);
		assertThat(stats.connectAttempts()).isEqualTo(1);
	}

	@Test
	void retainedAnswerKeepsItsPayloadInABufferTheCallerReleases() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		byte[] large = new byte[64 * 1024];
		new java.util.Random(7).nextBytes(large);
		for (byte[] payload : List.of(bytes("hello"), new byte[0], large)) {
			ByteBufReply reply = client.requestRetained("echo", Map.of(), Unpooled.wrappedBuffer(payload), null)
				.get(5, TimeUnit.SECONDS);
			// Released here; a reply left unreleased fails the class through the leak
			// check
			try (reply) {
				assertThat(ByteBufUtil.getBytes(reply.content())).isEqualTo(payload);
				assertThat(reply.headers()).isEmpty();
				assertThat(reply.toReply().payload()).isEqualTo(payload);
			}
		}
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> client.requestRetained("fail", Map.of(), Unpooled.wrappedBuffer(bytes("k1")), null)
				.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(FastnetRemoteException.class);
		assertThat(client.endpoints().get(0).requestsOk()).isEqualTo(3);
	}

	@Test
	void retainedAnswerOfACancelledCallIsReleasedByTheClient() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		CompletableFuture<ByteBufReply> call = client.requestRetained("hold", Map.of(),
				Unpooled.wrappedBuffer(bytes("x")), null);
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		call.cancel(false);
		releaseHeld();
		// The answer arrives after the cancel and must not leak (the leak check fails the
		// class)
		await().atMost(Duration.ofSeconds(5)).until(() -> client.endpoints().get(0).requestsOk() == 1);
		assertThat(client.endpoints().get(0).inFlight()).isZero();
	}

	@Test
	void errorAnswerFailsWithRemoteExceptionCarryingStatusAndMessage() {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		assertThatExceptionOfType(FastnetRemoteException.class)
			.isThrownBy(() -> client.requestBlocking("fail", bytes("k1")))
			.withMessage("No such key: k1")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(1404));
		assertThatExceptionOfType(FastnetRemoteException.class)
			.isThrownBy(() -> client.requestBlocking("missing", bytes("")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404));
		assertThat(client.endpoints().get(0).requestsFailed()).isEqualTo(2);
	}

	@Test
	void perCallTimeoutIsSentAsTimeoutMsHeader() {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		Reply reply = client.requestBlocking("deadline", Map.of("x-trace", "1"), bytes(""), Duration.ofSeconds(2));
		assertThat(Long.parseLong(reply.payloadString())).isBetween(1L, 2000L).isGreaterThan(1000L);
		assertThat(client.requestBlocking("deadline", bytes("")).payloadString()).isEqualTo("null");
	}

	@Test
	void callWithoutTimeBudgetFailsBeforeAnythingIsWritten() {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeInt(7);
		CompletableFuture<Reply> future = client.request("echo", Map.of(), payload, Duration.ZERO);
		assertThat(future).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
			.withCauseInstanceOf(FastnetTimeoutException.class);
		assertThat(payload.refCnt()).isZero();
		assertThat(client.endpoints().get(0).connectAttempts()).isZero();
		assertThat(server.stats().connectionsAccepted()).isZero();
	}

	@Test
	void everyConnectionAllocatesFromTheConfiguredAllocator() {
		FastnetServer server = startServer(routes());
		ByteBufAllocator allocator = new PooledByteBufAllocator(true);
		Set<ByteBufAllocator> used = ConcurrentHashMap.newKeySet();
		FastnetClient client = client(List.of(addressOf(server)), (config) -> {
		}, (builder) -> builder.allocator(allocator)
			.pipelineCustomizer((pipeline) -> used.add(pipeline.channel().alloc())));
		assertThat(client.requestBlocking("echo", bytes("pooled")).payloadString()).isEqualTo("pooled");
		assertThat(used).containsExactly(allocator);
	}

	@Test
	void timedOutRequestFailsAndItsLateAnswerIsDroppedAndCounted() throws Exception {
		FastnetServer server = startServer(routes());
		AtomicLong recorded = new AtomicLong();
		FastnetClient client = client(List.of(addressOf(server)), (config) -> {
		}, (builder) -> builder.metricsRecorder(new FastnetMetricsRecorder() {
			@Override
			public void clientRequest(String route, int status, long durationNanos) {
				if (route.equals("slow") && status == 408) {
					recorded.incrementAndGet();
				}
			}
		}));
		// Connected first: the time budget below is the timeout's, not the TCP connect's
		assertThat(client.requestBlocking("echo", bytes("warm")).payloadString()).isEqualTo("warm");
		long start = System.nanoTime();
		assertThatExceptionOfType(FastnetTimeoutException.class)
			.isThrownBy(() -> client.requestBlocking("slow", Map.of(), bytes("200"), Duration.ofMillis(50)))
			.withMessage("Request 'slow' timed out after 50 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(190));
		await().atMost(Duration.ofSeconds(5)).until(() -> client.endpoints().get(0).lateResponses() == 1);
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.requestsTimedOut()).isEqualTo(1);
		assertThat(stats.unknownResponses()).isZero();
		assertThat(recorded).hasValue(1);
		// The connection stays open and keeps correlating answers
		assertThat(client.requestBlocking("echo", bytes("after")).payloadString()).isEqualTo("after");
		assertThat(client.endpoints().get(0).connectAttempts()).isEqualTo(1);
	}

	@Test
	void onewayReachesTheServerAndPingMeasuresTheRoundTrip() throws Exception {
		CountDownLatch received = new CountDownLatch(1);
		FastnetServer server = startServer(Routes.builder().route("log", Execution.EVENT_LOOP, (request) -> {
			if (request.payloadString().equals("line")) {
				received.countDown();
			}
			return null;
		}).build());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		client.oneway("log", bytes("line")).get(5, TimeUnit.SECONDS);
		assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
		Duration roundTrip = client.ping().get(5, TimeUnit.SECONDS);
		assertThat(roundTrip).isPositive().isLessThan(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().inFlight() == 0);
	}

	@Test
	void pushedMessagesReachTheListenerOfTheirRoute() throws Exception {
		FastnetServer server = startServer(routes());
		ConcurrentLinkedQueue<String> news = new ConcurrentLinkedQueue<>();
		CountDownLatch later = new CountDownLatch(1);
		FastnetClient client = client(List.of(addressOf(server)), (config) -> {
		}, (builder) -> builder.pushListener("news",
				(route, message) -> news.add(route + ":" + message.payloadString())));
		client.onPush("late", (route, message) -> later.countDown());
		assertThat(client.requestBlocking("subscribe", bytes("a")).payloadString()).isEqualTo("subscribed");
		await().atMost(Duration.ofSeconds(5)).until(() -> client.unroutedPushes() == 1);
		assertThat(news).containsExactly("news:first a");
		server.sessions().iterator().next().push("late", bytes("x")).get(5, TimeUnit.SECONDS);
		assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void whenConnectionDiesEveryRequestInFlightFailsAtOnce() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> config.requestTimeout(Duration.ofSeconds(30))
			.pool(pool().minIdle(4).maxConnections(4).maxInFlightPerConnection(250).build()));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 4);
		List<CompletableFuture<Reply>> futures = new ArrayList<>();
		long[] failedAt = new long[1000];
		for (int i = 0; i < 1000; i++) {
			int index = i;
			futures.add(
					client.request("hold", bytes("")).whenComplete((reply, ex) -> failedAt[index] = System.nanoTime()));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> heldCount() == 1000);
		assertThat(client.stats().inFlight()).isEqualTo(1000);
		assertThat(client.stats().open()).isEqualTo(4);
		// Kill every connection at once, server side; the server is dead once all are
		// closed
		long killed = System.nanoTime();
		List<CompletableFuture<Void>> closes = new ArrayList<>();
		for (Session session : List.copyOf(server.sessions())) {
			closes.add(session.close());
		}
		CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		long closed = System.nanoTime();
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
			.exceptionally((ex) -> null)
			.get(5, TimeUnit.SECONDS);
		long slowest = 0;
		for (int i = 0; i < 1000; i++) {
			CompletableFuture<Reply> future = futures.get(i);
			assertThat(future).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
				.havingCause()
				.isInstanceOf(ConnectionClosedException.class)
				.withMessageContaining("127.0.0.1:" + server.port());
			slowest = Math.max(slowest, failedAt[i] - closed);
		}
		// Failed by the close, far sooner than the 30 s timeout (the bound leaves room
		// for a busy machine)
		assertThat(Duration.ofNanos(slowest)).as("slowest failure after the server closed the connections")
			.isLessThan(Duration.ofSeconds(2));
		assertThat(Duration.ofNanos(closed - killed)).as("time the server took to close them")
			.isLessThan(Duration.ofSeconds(1));
		assertThat(client.stats().inFlight()).isZero();
		releaseHeld();
	}

	@Test
	void goAwayRetiresTheConnectionWhileItsRequestsStillComplete() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.reconnect(ReconnectOptions.builder()
					.initialBackoff(Duration.ofSeconds(5))
					.maxBackoff(Duration.ofSeconds(5))
					.build()));
		CompletableFuture<Reply> inFlight = client.request("hold", bytes(""));
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		CompletableFuture<?> shutdown = server.shutdownGracefully(Duration.ofSeconds(10));
		// The GOAWAY retires the connection: a new request does not use it but needs a
		// new one,
		// which the draining server refuses
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThatExceptionOfType(FastnetConnectException.class)
				.isThrownBy(() -> client.requestBlocking("echo", bytes("x"))));
		assertThat(inFlight).isNotDone();
		releaseHeld();
		assertThat(inFlight.get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("released");
		shutdown.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().open() == 0);
	}

	@Test
	void closeDuringTrafficLetsSentRequestsCompleteAndNeverReconnects() throws Exception {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().minIdle(2).maxConnections(2).build()));
		CompletableFuture<Reply> held = client.request("hold", bytes(""));
		await().atMost(Duration.ofSeconds(5)).until(() -> heldCount() == 1);
		ExecutorService traffic = Executors.newFixedThreadPool(4);
		List<Future<List<Throwable>>> senders = new ArrayList<>();
		try {
			for (int t = 0; t < 4; t++) {
				senders.add(traffic.submit(() -> {
					List<Throwable> failures = new ArrayList<>();
					while (failures.isEmpty()) {
						try {
							client.requestBlocking("slow", bytes("1"));
						}
						catch (FastnetException ex) {
							failures.add(ex);
						}
					}
					return failures;
				}));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().requestsOk() > 20);
			CompletableFuture<Void> closed = client.closeGracefully(Duration.ofSeconds(5));
			assertThat(closed).isNotDone();
			assertThatExceptionOfType(ClientClosedException.class)
				.isThrownBy(() -> client.requestBlocking("echo", bytes("")));
			releaseHeld();
			assertThat(held.get(5, TimeUnit.SECONDS).payloadString()).isEqualTo("released");
			closed.get(10, TimeUnit.SECONDS);
			for (Future<List<Throwable>> sender : senders) {
				assertThat(sender.get(5, TimeUnit.SECONDS)).singleElement().isInstanceOf(ClientClosedException.class);
			}
		}
		finally {
			traffic.shutdownNow();
		}
		long accepted = server.stats().connectionsAccepted();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().isEmpty());
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> server.stats().connectionsAccepted() == accepted);
		assertThat(client.isClosed()).isTrue();
		assertThat(client.ping()).isCompletedExceptionally();
		assertThatExceptionOfType(ClientClosedException.class)
			.isThrownBy(() -> client.updateEndpoints(List.of(addressOf(server))));
	}

	@Test
	void protocolViolationByTheServerClosesTheConnectionAndFailsItsRequests() throws Exception {
		ScriptedServer server = startScripted((peer, frame) -> {
			if (frame.type() == RawClient.PING) {
				peer.pong();
			}
			else if (frame.type() == RawClient.REQUEST) {
				byte[] bad = RawClient.encode(RawClient.RESPONSE, frame.id(), "", Map.of(), new byte[0]);
				bad[4] = 9;
				peer.send(bad);
			}
			return true;
		});
		FastnetClient client = client(server.address(), (config) -> {
		});
		assertThatExceptionOfType(ConnectionClosedException.class)
			.isThrownBy(() -> client.requestBlocking("x", bytes("")))
			.withMessageContaining("protocol violation")
			.withMessageContaining("Unsupported version 9");
	}

	@Test
	void answerWithAnIdNeverUsedIsDroppedAndCounted() {
		ScriptedServer server;
		try {
			server = startScripted((peer, frame) -> {
				if (frame.type() == RawClient.PING) {
					peer.pong();
				}
				else if (frame.type() == RawClient.REQUEST) {
					peer.send(RawClient.RESPONSE, frame.id() + 1000, "", bytes("stray"));
					peer.send(RawClient.RESPONSE, frame.id(), "", bytes("mine"));
				}
				return true;
			});
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		FastnetClient client = client(server.address(), (config) -> {
		});
		assertThat(client.requestBlocking("x", bytes("")).payloadString()).isEqualTo("mine");
		assertThat(client.requestBlocking("x", bytes("")).payloadString()).isEqualTo("mine");
		EndpointStats stats = client.endpoints().get(0);
		assertThat(stats.unknownResponses()).isEqualTo(2);
		assertThat(stats.lateResponses()).isZero();
		assertThat(stats.open()).isEqualTo(1);
	}

	@Test
	void pingFromTheServerIsAnsweredWithPongEchoingItsIdAndTheClientsOwnPingsStillComplete() throws Exception {
		CompletableFuture<Integer> pongId = new CompletableFuture<>();
		ScriptedServer server = startScripted((peer, frame) -> {
			if (frame.type() == RawClient.PING) {
				peer.send(RawClient.PONG, frame.id(), "", new byte[0]);
			}
			else if (frame.type() == RawClient.PONG) {
				pongId.complete(frame.id());
			}
			else if (frame.type() == RawClient.REQUEST) {
				peer.send(RawClient.PING, 77, "", new byte[0]);
				peer.send(RawClient.RESPONSE, frame.id(), "", bytes("pinged"));
			}
			return true;
		});
		FastnetClient client = client(server.address(), (config) -> {
		});
		assertThat(client.requestBlocking("x", bytes("")).payloadString()).isEqualTo("pinged");
		assertThat(pongId.get(5, TimeUnit.SECONDS)).isEqualTo(77);
		assertThat(client.ping().get(5, TimeUnit.SECONDS)).isPositive();
	}

	@Test
	void invalidRouteIsRejectedAndItsPayloadReleased() {
		FastnetServer server = startServer(routes());
		FastnetClient client = client(addressOf(server), (config) -> {
		});
		ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeInt(1);
		assertThatIllegalArgumentException().isThrownBy(() -> client.request("r".repeat(256), Map.of(), payload, null))
			.withMessageStartingWith("route must be at most 255 UTF-8 bytes");
		assertThat(payload.refCnt()).isZero();
	}

	@Test
	void sixteenThreadsOfTenThousandRequestsEachOverFourConnectionsAllGetTheirOwnReplies() throws Exception {
		FastnetServer server = startServer(routes(), (config) -> config.ioThreads(2));
		FastnetClient client = client(addressOf(server),
				(config) -> config.pool(pool().maxConnections(4).maxInFlightPerConnection(4).build()));
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int thread = t;
				results.add(threads.submit(() -> {
					int matched = 0;
					for (int i = 0; i < 10_000; i++) {
						String payload = thread + "-" + i;
						if (client.requestBlocking("echo", bytes(payload)).payloadString().equals(payload)) {
							matched++;
						}
					}
					return matched;
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(10_000);
			}
		}
		finally {
			threads.shutdownNow();
		}
		ClientStats stats = client.stats();
		assertThat(stats.requestsOk()).isEqualTo(160_000);
		assertThat(stats.requestsFailed()).isZero();
		assertThat(stats.open()).isEqualTo(4);
		assertThat(server.stats().connectionsAccepted()).isEqualTo(4);
		assertThat(stats.inFlight()).isZero();
		assertThat(stats.pendingAcquires()).isZero();
	}

}
