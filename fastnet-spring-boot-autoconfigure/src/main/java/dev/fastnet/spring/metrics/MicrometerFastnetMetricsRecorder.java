package dev.fastnet.spring.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import dev.fastnet.metrics.FastnetMeters;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records fastnet's per-request measurements as Micrometer timers. Timers are looked up once per
 * route and status and cached, so recording costs a map lookup and no allocation.
 *
 * @since 0.1.0
 */
public class MicrometerFastnetMetricsRecorder implements FastnetMetricsRecorder {

	private final MeterRegistry registry;

	private final String clientName;

	private final ConcurrentMap<Key, Timer> serverTimers = new ConcurrentHashMap<>();

	private final ConcurrentMap<Key, Timer> clientTimers = new ConcurrentHashMap<>();

	/**
	 * Create a recorder for a server, or for a client named {@code clientName}.
	 * @param registry the registry
	 * @param clientName the client tag value used for client requests
	 */
	public MicrometerFastnetMetricsRecorder(MeterRegistry registry, String clientName) {
		this.registry = registry;
		this.clientName = clientName;
	}

	@Override
	public void serverRequest(String route, int status, long durationNanos) {
		Timer timer = this.serverTimers.get(new Key(route, status));
		if (timer == null) {
			timer = this.serverTimers.computeIfAbsent(new Key(route, status),
					(key) -> Timer.builder(FastnetMeters.SERVER_REQUESTS)
						.description("Requests handled by the fastnet server")
						.tag(FastnetMeters.TAG_ROUTE, key.route())
						.tag(FastnetMeters.TAG_STATUS, FastnetMeters.statusTag(key.status()))
						.tag(FastnetMeters.TAG_OUTCOME, FastnetMeters.outcomeTag(key.status()))
						.register(this.registry));
		}
		timer.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void clientRequest(String route, int status, long durationNanos) {
		Timer timer = this.clientTimers.get(new Key(route, status));
		if (timer == null) {
			timer = this.clientTimers.computeIfAbsent(new Key(route, status),
					(key) -> Timer.builder(FastnetMeters.CLIENT_REQUESTS)
						.description("Requests sent by a fastnet client")
						.tag("client", this.clientName)
						.tag(FastnetMeters.TAG_ROUTE, key.route())
						.tag(FastnetMeters.TAG_STATUS, FastnetMeters.statusTag(key.status()))
						.tag(FastnetMeters.TAG_OUTCOME, FastnetMeters.outcomeTag(key.status()))
						.register(this.registry));
		}
		timer.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	private record Key(String route, int status) {
	}

}
