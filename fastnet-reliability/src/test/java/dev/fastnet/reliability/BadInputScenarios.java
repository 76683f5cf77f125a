package dev.fastnet.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.server.MockClockServer;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability scenarios of bad input and protocol abuse: oversized and malformed frames,
 * garbage, and PING floods. Each one runs beside a good client whose calls must all
 * succeed.
 */
class BadInputScenarios extends GuardedScenarioSupport {

	private final List<Throwable> sessionErrors = new CopyOnWriteArrayList<>();

	private final AtomicInteger probeInvocations = new AtomicInteger();

	/**
	 * Start a server with the echo route, a "probe" route that counts its invocations,
	 * and a session listener that keeps every error a connection raised.
	 */
	private FastnetServer startProbedServer() {
		Routes routes = routesWithEcho().route("probe", (request) -> {
			this.probeInvocations.incrementAndGet();
			return "probed";
		}).build();
		return startServer(routes, (config) -> {
		}, (server) -> server.sessionListener(new SessionListener() {
			@Override
			public void onError(Session session, Throwable error) {
				BadInputScenarios.this.sessionErrors.add(error);
			}
		}));
	}

	@Scenario(id = "S01", promise = "A length field over the maximum frame size is refused on the header, before "
			+ "the body is buffered: ERROR 413 to a readable id, then only that connection closes, counted once "
			+ "as frame_too_large")
	void oversizedLengthFieldIsRefusedOnItsHeader(ScenarioFigures figures) throws Exception {
		FastnetServer server = startProbedServer();
		GoodClient good = startGoodClient(server);
		int maxFrameSize = server.config().maxFrameSize();
		// The allocator settles its chunks for this load during the first ones; memory is
		// compared
		// over the rest
		int warmUp = 100;
		int attempts = warmUp + 1000;
		long directBefore = 0;
		long[] closeNanos = new long[attempts];
		int refusedThenClosed = 0;
		List<String> wrongAnswers = new ArrayList<>();
		for (int i = 0; i < attempts; i++) {
			if (i == warmUp) {
				directBefore = usedDirectMemory();
			}
			int id = i + 1;
			long length = (i % 2 == 0) ? 0x7FFFFFF0L : maxFrameSize + 1L;
			try (RawClient offender = RawClient.connect(server.port())) {
				long start = System.nanoTime();
				// Only the 11 bytes up to the id: the server must not wait for a body
				offender.send(header(length, id));
				RawFrame answer = offender.read();
				boolean closed = offender.isClosedByPeer(Duration.ofSeconds(5));
				closeNanos[i] = System.nanoTime() - start;
				String expected = "Frame length " + length + " exceeds maximum " + maxFrameSize;
				if (answer.type() == RawClient.ERROR && answer.id() == id && answer.errorStatus() == 413
						&& answer.errorMessage().equals(expected) && closed) {
					refusedThenClosed++;
				}
				else if (wrongAnswers.size() < 5) {
					wrongAnswers.add(answer + " closed=" + closed);
				}
			}
		}
		long directAfter = usedDirectMemory();
		good.report(figures);
		figures.put("attempts", attempts)
			.put("answered413ThenClosed", refusedThenClosed)
			.put("frameTooLargeCount", server.stats().invalidFrames(ProtocolViolation.FRAME_TOO_LARGE))
			.put("headerToCloseP99Millis", millis(percentile(closeNanos, 99)))
			.put("headerToCloseMaxMillis", millis(percentile(closeNanos, 100)))
			.put("extraDirectMemoryMiBOverTheLast1000", mebibytes(directAfter - directBefore))
			.put("probeInvocations", this.probeInvocations.get());
		assertThat(wrongAnswers).isEmpty();
		assertThat(refusedThenClosed).isEqualTo(attempts);
		assertThat(server.stats().invalidFrames(ProtocolViolation.FRAME_TOO_LARGE)).isEqualTo(attempts);
		assertThat(server.stats().invalidFrames()).isEqualTo(attempts);
		// Far below what holding even one maximum-size frame per attempt would take; the
		// allocator
		// can still take a new chunk of up to a few hundred KiB for the good client's
		// calls meanwhile
		assertThat(directAfter - directBefore).isLessThan(4L * 1024 * 1024);
		assertThat(this.sessionErrors).allSatisfy((error) -> assertThat(error).isInstanceOf(ProtocolException.class));
		good.assertNoFailures();
		assertNoLeaks(figures);
	}

	@Scenario(id = "S02", promise = "Each malformed header closes its connection only, counted once under its own "
			+ "reason; no handler runs and only ProtocolException is raised")
	void malformedHeadersCloseTheirConnectionsWithoutReachingAHandler(ScenarioFigures figures) throws Exception {
		FastnetServer server = startProbedServer();
		GoodClient good = startGoodClient(server);
		byte[] valid = RawClient.encode(RawClient.REQUEST, 1, "probe", Map.of("k", "v"), new byte[] { 1 });
		Map<ProtocolViolation, byte[]> shapes = new LinkedHashMap<>();
		shapes.put(ProtocolViolation.LENGTH_TOO_SMALL, new byte[] { 0, 0, 0, 7, 1, 0, 0, 0, 0, 0, 0 });
		shapes.put(ProtocolViolation.BAD_VERSION, patch(valid, 4, 2));
		shapes.put(ProtocolViolation.RESERVED_FLAGS, patch(valid, 6, 0x03));
		shapes.put(ProtocolViolation.UNKNOWN_TYPE, patch(valid, 5, 8));
		// The route "probe" starts at offset 12; 0xC3 opens a two-byte sequence that 'r'
		// cannot continue
		shapes.put(ProtocolViolation.INVALID_UTF8, patch(valid, 12, 0xC3));
		// The headers block size follows the route, at offsets 17 and 18
		shapes.put(ProtocolViolation.OVERRUN, patch(patch(valid, 17, 0x7F), 18, 0xFF));
		long[] closeNanos = new long[shapes.size()];
		int closed = 0;
		int index = 0;
		for (Map.Entry<ProtocolViolation, byte[]> shape : shapes.entrySet()) {
			try (RawClient offender = RawClient.connect(server.port())) {
				long start = System.nanoTime();
				offender.send(shape.getValue());
				if (offender.isClosedByPeer(Duration.ofSeconds(5))) {
					closed++;
				}
				closeNanos[index++] = System.nanoTime() - start;
			}
		}
		int within50ms = 0;
		for (long nanos : closeNanos) {
			within50ms += (nanos <= TimeUnit.MILLISECONDS.toNanos(50)) ? 1 : 0;
		}
		List<String> reasons = new ArrayList<>();
		for (ProtocolViolation violation : shapes.keySet()) {
			if (server.stats().invalidFrames(violation) == 1) {
				reasons.add(violation.tag());
			}
		}
		good.report(figures);
		figures.put("shapes", shapes.size())
			.put("closed", closed)
			.put("closedWithin50ms", within50ms)
			.put("closeMaxMillis", millis(percentile(closeNanos, 100)))
			.put("distinctReasonTags", reasons.size())
			.put("reasonTags", String.join(",", reasons))
			.put("handlerInvocations", this.probeInvocations.get())
			.put("nonProtocolExceptions", nonProtocolExceptions());
		assertThat(closed).isEqualTo(shapes.size());
		assertThat(reasons).hasSize(shapes.size());
		assertThat(server.stats().invalidFrames()).isEqualTo(shapes.size());
		assertThat(this.probeInvocations.get()).isZero();
		assertThat(this.sessionErrors).hasSize(shapes.size())
			.allSatisfy((error) -> assertThat(error).isInstanceOf(ProtocolException.class));
		good.assertNoFailures();
		assertNoLeaks(figures);
	}

	@Scenario(id = "S03", promise = "10,000 random frames with valid-looking lengths on 100 connections close "
			+ "those 100 connections and nothing else: the server stays up and the good client is unaffected")
	void garbageFramesCloseOnlyTheirConnections(ScenarioFigures figures) throws Exception {
		long seed = Long.getLong("fastnet.reliability.seed", System.nanoTime());
		System.out
			.println("S03 garbage generator seed: " + seed + " (repeat with -Dfastnet.reliability.seed=" + seed + ")");
		FastnetServer server = startProbedServer();
		GoodClient good = startGoodClient(server);
		SplittableRandom random = new SplittableRandom(seed);
		int connections = 100;
		int framesPerConnection = 100;
		long start = System.nanoTime();
		try (SocketCrowd crowd = SocketCrowd.connect(server.port(), connections)) {
			for (int i = 0; i < connections; i++) {
				ByteArrayOutputStream frames = new ByteArrayOutputStream();
				for (int f = 0; f < framesPerConnection; f++) {
					byte[] body = new byte[FrameFormat.HEADER_LENGTH + random.nextInt(249)];
					random.nextBytes(body);
					frames.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
					frames.writeBytes(body);
				}
				crowd.send(i, frames.toByteArray());
			}
			crowd.awaitAllClosed(Duration.ofSeconds(30));
			figures.put("closeAllMillis", millis(System.nanoTime() - start));
		}
		boolean stillServes;
		try (RawClient probe = RawClient.connect(server.port())) {
			probe.request(1, ECHO, "up");
			stillServes = probe.read().payloadString().equals("up");
		}
		good.report(figures);
		figures.put("seed", Long.toString(seed))
			.put("frames", connections * framesPerConnection)
			.put("connections", connections)
			.put("connectionsClosedForViolations", server.stats().invalidFrames())
			.put("serverRunning", server.state() == FastnetServer.State.RUNNING && stillServes)
			.put("nonProtocolExceptions", nonProtocolExceptions());
		assertThat(server.stats().invalidFrames()).isEqualTo(connections);
		assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
		assertThat(stillServes).isTrue();
		assertThat(nonProtocolExceptions()).as("%s", this.sessionErrors).isZero();
		good.assertNoFailures();
		assertNoLeaks(figures);
	}

	@Scenario(id = "S07",
			promise = "A peer that PINGs every 1 ms with nothing in flight is forgiven 2 strikes, then "
					+ "sent GOAWAY and closed; peers PINGing at the allowed interval are never closed over a simulated "
					+ "10 minutes")
	void pingFloodIsClosedAfterTwoStrikes(ScenarioFigures figures) throws Exception {
		FastnetServer server = startProbedServer();
		GoodClient good = startGoodClient(server);
		int pongs = 0;
		boolean goAway = false;
		boolean closed;
		AtomicInteger pingsSent = new AtomicInteger();
		long start = System.nanoTime();
		try (RawClient flooder = RawClient.connect(server.port())) {
			byte[] ping = RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0]);
			this.scheduler.scheduleAtFixedRate(() -> {
				// Bounded: a server that never closes the connection gets 2 s of PINGs,
				// not more
				if (pingsSent.get() < 2000) {
					try {
						flooder.send(ping);
						pingsSent.incrementAndGet();
					}
					catch (IOException ex) {
						throw new IllegalStateException("Closed by the server", ex);
					}
				}
			}, 0, 1, TimeUnit.MILLISECONDS);
			RawFrame frame = flooder.read();
			while (frame.type() == RawClient.PONG) {
				pongs++;
				frame = flooder.read();
			}
			goAway = frame.type() == RawClient.GOAWAY;
			closed = flooder.isClosedByPeer(Duration.ofSeconds(5));
		}
		long closeMillis = millis(System.nanoTime() - start);
		SimulatedPings simulated = simulateTenMinutesOfPings();
		good.report(figures);
		figures.put("strikesAllowedBeforeClose", pongs - 1)
			.put("goAwayThenClosed", goAway && closed)
			.put("floodCloseMillis", closeMillis)
			.put("pingAbuseCloses", server.stats().connectionsClosedForPingAbuse())
			.put("simulatedMinutes", 10)
			.put("simulatedGoodPings", simulated.goodPings())
			.put("simulatedGoodPongs", simulated.goodPongs())
			.put("falseClosesOfGoodConnections", simulated.falseCloses())
			.put("simulatedFloodStrikesAllowed", simulated.floodStrikesAllowed());
		assertThat(pongs - 1).isEqualTo(ServerConfig.DEFAULT_MAX_PING_STRIKES);
		assertThat(goAway).isTrue();
		assertThat(closed).isTrue();
		assertThat(server.stats().connectionsClosedForPingAbuse()).isEqualTo(1);
		assertThat(simulated.falseCloses()).isZero();
		assertThat(simulated.goodPongs()).isEqualTo(simulated.goodPings());
		assertThat(simulated.floodStrikesAllowed()).isEqualTo(ServerConfig.DEFAULT_MAX_PING_STRIKES);
		good.assertNoFailures();
	}

	/**
	 * Drive the server's PING enforcement with a fake clock: one connection PINGs at
	 * exactly the minimum interval and one at fastnet's client default for 10 minutes,
	 * while a third PINGs every simulated millisecond.
	 */
	private SimulatedPings simulateTenMinutesOfPings() {
		MockTicker ticker = Ticker.newMockTicker();
		ServerConfig config = ServerConfig.builder().idleTimeout(Duration.ZERO).frameTimeout(Duration.ZERO).build();
		try (MockClockServer server = new MockClockServer(config, routesWithEcho().build(), ticker)) {
			EmbeddedChannel atMinimum = server.connect();
			EmbeddedChannel atClientDefault = server.connect();
			long minimumMillis = config.minPingInterval().toMillis();
			long clientDefaultMillis = dev.fastnet.client.PoolOptions.DEFAULT_PING_INTERVAL.toMillis();
			int goodPings = 0;
			int pongs = 0;
			for (long now = 0; now <= Duration.ofMinutes(10).toMillis(); now += minimumMillis) {
				pongs += ping(atMinimum);
				goodPings++;
				if (now % clientDefaultMillis == 0) {
					pongs += ping(atClientDefault);
					goodPings++;
				}
				ticker.advanceMillis(minimumMillis);
			}
			int falseCloses = (atMinimum.isActive() ? 0 : 1) + (atClientDefault.isActive() ? 0 : 1);
			EmbeddedChannel flood = server.connect();
			int floodPongs = 0;
			while (flood.isActive() && floodPongs < 100) {
				floodPongs += ping(flood);
				ticker.advanceMillis(1);
			}
			atMinimum.finishAndReleaseAll();
			atClientDefault.finishAndReleaseAll();
			flood.finishAndReleaseAll();
			return new SimulatedPings(goodPings, pongs, falseCloses, floodPongs - 1);
		}
	}

	/**
	 * Write a PING and return 1 if a PONG came back.
	 */
	private static int ping(EmbeddedChannel channel) {
		channel.writeInbound(Unpooled.wrappedBuffer(RawClient.encode(RawClient.PING, 0, "", Map.of(), new byte[0])));
		int pongs = 0;
		for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
			ByteBuf frame = (ByteBuf) out;
			if (frame.getUnsignedByte(5) == RawClient.PONG) {
				pongs++;
			}
			frame.release();
		}
		return pongs;
	}

	private record SimulatedPings(int goodPings, int goodPongs, int falseCloses, int floodStrikesAllowed) {
	}

	private long nonProtocolExceptions() {
		return this.sessionErrors.stream()
			.filter((error) -> !(error instanceof ProtocolException) && !(error instanceof IOException))
			.count();
	}

	private static byte[] header(long length, int id) {
		return ByteBuffer.allocate(FrameFormat.PREFIX_WITH_ID)
			.putInt((int) length)
			.put((byte) FrameFormat.VERSION)
			.put((byte) RawClient.REQUEST)
			.put((byte) 0)
			.putInt(id)
			.array();
	}

	private static byte[] patch(byte[] frame, int index, int value) {
		byte[] copy = frame.clone();
		copy[index] = (byte) value;
		return copy;
	}

}
