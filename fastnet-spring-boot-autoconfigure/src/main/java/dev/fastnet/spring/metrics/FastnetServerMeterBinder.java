package dev.fastnet.spring.metrics;

import java.util.function.ToDoubleFunction;

import dev.fastnet.metrics.FastnetMeters;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerListener;
import dev.fastnet.server.ServerStats;
import dev.fastnet.server.TlsHandshakeFailure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * Binds the live figures of a fastnet server, its worker pool and Netty's default
 * allocator to Micrometer. Every meter reads the server's lock-free counters when
 * scraped.
 *
 * @since 0.1.0
 */
public class FastnetServerMeterBinder implements MeterBinder {

	private final FastnetServer server;

	/**
	 * Create a binder.
	 * @param server the server
	 */
	public FastnetServerMeterBinder(FastnetServer server) {
		this.server = server;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ServerStats stats = this.server.stats();
		for (ServerListener listener : this.server.listeners()) {
			bindListener(registry, listener);
		}
		rejected(registry, stats, "limit", ServerStats::connectionsRejected);
		rejected(registry, stats, "idle", ServerStats::connectionsIdleClosed);
		rejected(registry, stats, "frame_timeout", ServerStats::connectionsFrameTimedOut);
		rejected(registry, stats, "partial_frames", ServerStats::connectionsClosedForPartialFrames);
		rejected(registry, stats, "ping_abuse", ServerStats::connectionsClosedForPingAbuse);
		if (this.server.tls().isPresent()) {
			for (TlsHandshakeFailure failure : TlsHandshakeFailure.values()) {
				FunctionCounter
					.builder(FastnetMeters.SERVER_TLS_HANDSHAKE_FAILURES, stats, (s) -> s.tlsHandshakeFailures(failure))
					.description("Connections closed by the fastnet server because their TLS handshake failed")
					.tag("reason", failure.tag())
					.register(registry);
			}
		}
		Gauge.builder(FastnetMeters.SERVER_PARTIAL_FRAMES, stats, ServerStats::partialFrameBytes)
			.description("Bytes buffered by the fastnet server for frames not complete yet")
			.baseUnit("bytes")
			.register(registry);
		for (ProtocolViolation violation : ProtocolViolation.values()) {
			FunctionCounter.builder(FastnetMeters.SERVER_INVALID_FRAMES, stats, (s) -> s.invalidFrames(violation))
				.description("Connections closed by the fastnet server for a protocol violation")
				.tag(FastnetMeters.TAG_REASON, violation.tag())
				.register(registry);
		}
		Gauge.builder(FastnetMeters.WORKERS_QUEUE_SIZE, stats, ServerStats::workerQueueSize)
			.description("Requests waiting for a fastnet worker")
			.tag(FastnetMeters.TAG_EXECUTION, "platform")
			.register(registry);
		Gauge.builder(FastnetMeters.WORKERS_ACTIVE, stats, ServerStats::workersActive)
			.description("fastnet workers running a handler")
			.tag(FastnetMeters.TAG_EXECUTION, "platform")
			.register(registry);
		Gauge.builder(FastnetMeters.WORKERS_ACTIVE, stats, ServerStats::virtualActive)
			.description("fastnet workers running a handler")
			.tag(FastnetMeters.TAG_EXECUTION, "virtual")
			.register(registry);
		FunctionCounter.builder(FastnetMeters.WORKERS_REJECTED, stats, ServerStats::workerRejected)
			.description("Requests refused because the fastnet worker pool was full")
			.tag(FastnetMeters.TAG_EXECUTION, "platform")
			.register(registry);
		FunctionCounter.builder(FastnetMeters.WORKERS_REJECTED, stats, ServerStats::virtualRejected)
			.description("Requests refused because the fastnet worker pool was full")
			.tag(FastnetMeters.TAG_EXECUTION, "virtual")
			.register(registry);
		if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
			ByteBufAllocatorMetric metric = provider.metric();
			Gauge.builder(FastnetMeters.BUFFERS_USED, metric, ByteBufAllocatorMetric::usedHeapMemory)
				.description("Memory used by Netty's default buffer allocator")
				.baseUnit("bytes")
				.tag(FastnetMeters.TAG_AREA, "heap")
				.register(registry);
			Gauge.builder(FastnetMeters.BUFFERS_USED, metric, ByteBufAllocatorMetric::usedDirectMemory)
				.description("Memory used by Netty's default buffer allocator")
				.baseUnit("bytes")
				.tag(FastnetMeters.TAG_AREA, "direct")
				.register(registry);
		}
	}

	private static void bindListener(MeterRegistry registry, ServerListener listener) {
		Tags tags = Tags.of(FastnetMeters.TAG_LISTENER, listener.name());
		Gauge.builder(FastnetMeters.SERVER_CONNECTIONS, listener, ServerListener::connectionsOpen)
			.description("Connections open on the fastnet server")
			.tags(tags)
			.register(registry);
		FunctionCounter
			.builder(FastnetMeters.SERVER_CONNECTIONS_ACCEPTED, listener, ServerListener::connectionsAccepted)
			.description("Connections accepted by the fastnet server")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(FastnetMeters.SERVER_BYTES_READ, listener, ServerListener::bytesRead)
			.description("Bytes of frames received by the fastnet server")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(FastnetMeters.SERVER_BYTES_WRITTEN, listener, ServerListener::bytesWritten)
			.description("Bytes of frames sent by the fastnet server")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		if (!listener.config().framing().isFastnet()) {
			FunctionCounter.builder(FastnetMeters.SERVER_UNANSWERABLE, listener, ServerListener::unanswerable)
				.description("Requests whose answer the listener's framing cannot carry, each closing its connection")
				.tags(tags)
				.register(registry);
		}
	}

	private static void rejected(MeterRegistry registry, ServerStats stats, String reason,
			ToDoubleFunction<ServerStats> count) {
		FunctionCounter.builder(FastnetMeters.SERVER_CONNECTIONS_REJECTED, stats, count)
			.description("Connections closed by the fastnet server at accept, for idleness or to protect its resources")
			.tag(FastnetMeters.TAG_REASON, reason)
			.register(registry);
	}

}
