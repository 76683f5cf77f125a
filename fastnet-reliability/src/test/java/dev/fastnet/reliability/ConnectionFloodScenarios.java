package dev.fastnet.reliability;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.test.RawClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability scenarios of peers that hold connections rather than use them: slowloris
 * senders, silent connections and connection floods beyond the server's limit.
 */
class ConnectionFloodScenarios extends GuardedScenarioSupport {

	@Scenario(id = "S05", promise = "Connections that trickle a frame that never completes are closed by the "
			+ "frame timeout although bytes keep arriving, silent ones by the idle timeout, and each holds only the "
			+ "bytes it sent")
	void slowlorisConnectionsAreClosedByTheFrameAndIdleTimeouts(ScenarioFigures figures) throws Exception {
		Duration idleTimeout = Duration.ofSeconds(1);
		Duration frameTimeout = Duration.ofSeconds(2);
		// Well inside the idle timeout, so that only the frame timeout can close a
		// trickling connection
		Duration tricklePeriod = idleTimeout.dividedBy(4);
		FastnetServer server = startServer(routesWithEcho().build(),
				(config) -> config.idleTimeout(idleTimeout).frameTimeout(frameTimeout));
		GoodClient good = startGoodClient(server);
		long heapBefore = usedHeapAfterGc();
		int each = 200;
		// The header of a 1,000-byte frame, of which only one byte a period ever follows
		byte[] header = ByteBuffer.allocate(4).putInt(1000).array();
		try (SocketCrowd tricklers = SocketCrowd.connect(server.port(), each);
				SocketCrowd silent = SocketCrowd.connect(server.port(), each)) {
			long[] firstByteNanos = new long[each];
			for (int i = 0; i < each; i++) {
				firstByteNanos[i] = System.nanoTime();
				tricklers.send(i, header);
			}
			AtomicInteger trickled = new AtomicInteger();
			this.scheduler.scheduleAtFixedRate(() -> {
				for (int i = 0; i < each; i++) {
					if (!tricklers.isClosed(i) && tricklers.send(i, new byte[] { 0 })) {
						trickled.incrementAndGet();
					}
				}
			}, tricklePeriod.toNanos(), tricklePeriod.toNanos(), TimeUnit.NANOSECONDS);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.stats().partialFrameBytes() >= (long) each * header.length);
			long heldHeap = usedHeapAfterGc() - heapBefore;
			long partialBytes = server.stats().partialFrameBytes();
			tricklers.awaitAllClosed(frameTimeout.plusSeconds(10));
			silent.awaitAllClosed(idleTimeout.plusSeconds(10));
			long[] trickleClose = new long[each];
			long[] silentClose = new long[each];
			for (int i = 0; i < each; i++) {
				trickleClose[i] = tricklers.closedNanos(i) - firstByteNanos[i];
				silentClose[i] = silent.closedNanos(i) - silent.openedNanos(i);
			}
			good.report(figures);
			figures.put("tricklingConnections", each)
				.put("silentConnections", each)
				.put("frameTimeoutMillis", frameTimeout.toMillis())
				.put("idleTimeoutMillis", idleTimeout.toMillis())
				.put("tricklePeriodMillis", tricklePeriod.toMillis())
				.put("bytesTrickled", trickled.get())
				.put("trickleCloseMinMillis", millis(percentile(trickleClose, 0)))
				.put("trickleCloseMaxMillis", millis(percentile(trickleClose, 100)))
				.put("silentCloseMinMillis", millis(percentile(silentClose, 0)))
				.put("silentCloseMaxMillis", millis(percentile(silentClose, 100)))
				.put("closedByFrameTimeout", server.stats().connectionsFrameTimedOut())
				.put("closedByIdleTimeout", server.stats().connectionsIdleClosed())
				.put("partialFrameBytesHeld", partialBytes)
				.put("extraHeapMiBFor400Connections", mebibytes(heldHeap));
			assertThat(trickled.get()).as("bytes kept arriving on the trickling connections")
				.isGreaterThanOrEqualTo(each);
			assertThat(server.stats().connectionsFrameTimedOut()).isEqualTo(each);
			// At least: a machine stalled for longer than the idle timeout may have the
			// good client's
			// connection closed too, which its client then replaces without a failure
			assertThat(server.stats().connectionsIdleClosed()).isGreaterThanOrEqualTo(each);
			assertThat(Duration.ofNanos(percentile(trickleClose, 0))).isGreaterThanOrEqualTo(frameTimeout);
			assertThat(Duration.ofNanos(percentile(trickleClose, 100)))
				.isLessThanOrEqualTo(frameTimeout.plusSeconds(2));
			assertThat(Duration.ofNanos(percentile(silentClose, 0))).isGreaterThanOrEqualTo(idleTimeout);
			assertThat(Duration.ofNanos(percentile(silentClose, 100))).isLessThanOrEqualTo(idleTimeout.plusSeconds(2));
			// Only the header and the trickled bytes are held: nothing is allocated for
			// the frame's length
			assertThat(partialBytes).isLessThanOrEqualTo((long) each * header.length + trickled.get());
			assertThat(heldHeap).isLessThan(10L * 1024 * 1024);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().partialFrameBytes() == 0);
		good.assertNoFailures();
	}

	@Scenario(id = "S06", promise = "Beyond max-connections, connections are accepted and closed at once with "
			+ "nothing read, each counted as rejected, while the connections served keep working")
	void connectionsBeyondTheLimitAreClosedAtAccept(ScenarioFigures figures) throws Exception {
		int maxConnections = 200;
		FastnetServer server = startServer(routesWithEcho().build(), (config) -> config.maxConnections(maxConnections));
		GoodClient good = startGoodClient(server);
		long heapBefore = usedHeapAfterGc();
		AtomicInteger peakServed = new AtomicInteger();
		AtomicInteger peakGauge = new AtomicInteger();
		this.scheduler.scheduleAtFixedRate(() -> {
			peakServed.accumulateAndGet(server.sessions().size(), Math::max);
			peakGauge.accumulateAndGet(server.stats().connectionsOpen(), Math::max);
		}, 0, 10, TimeUnit.MILLISECONDS);
		// With the good client's connection, 700 in all
		int crowdSize = 699;
		int served;
		int refused;
		byte[] request = RawClient.encode(RawClient.REQUEST, 1, ECHO, Map.of(), new byte[] { 42 });
		int answerLength = 4 + 8 + 1;
		try (SocketCrowd crowd = SocketCrowd.connect(server.port(), crowdSize)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.stats().connectionsAccepted() + server.stats().connectionsRejected() == 700);
			crowd.sendAll(request);
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				int done = 0;
				for (int i = 0; i < crowdSize; i++) {
					done += (crowd.receivedBytes(i) == answerLength || crowd.isClosed(i)) ? 1 : 0;
				}
				return done == crowdSize;
			});
			served = 0;
			refused = 0;
			for (int i = 0; i < crowdSize; i++) {
				served += (crowd.receivedBytes(i) == answerLength && !crowd.isClosed(i)) ? 1 : 0;
				refused += (crowd.receivedBytes(i) == 0 && crowd.isClosed(i)) ? 1 : 0;
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessions().size() == 1);
		long heapAfter = usedHeapAfterGc();
		good.report(figures);
		figures.put("maxConnections", maxConnections)
			.put("connectionsAttempted", crowdSize + 1)
			.put("servedAndAnswered", served + 1)
			.put("closedWithNothingRead", refused)
			.put("rejectedCount", server.stats().connectionsRejected())
			.put("peakServedConnections", peakServed.get())
			.put("peakConnectionsGauge", peakGauge.get())
			.put("heapChangeAfterCloseMiB", mebibytes(heapAfter - heapBefore));
		assertThat(served).isEqualTo(maxConnections - 1);
		assertThat(refused).isEqualTo(500);
		assertThat(server.stats().connectionsRejected()).isEqualTo(500);
		assertThat(peakServed.get()).isLessThanOrEqualTo(maxConnections);
		assertThat(Math.abs(heapAfter - heapBefore)).isLessThan(5L * 1024 * 1024);
		good.assertNoFailures();
	}

}
