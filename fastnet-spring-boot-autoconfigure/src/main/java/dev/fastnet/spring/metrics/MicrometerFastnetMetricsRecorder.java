package dev.fastnet.spring.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import dev.fastnet.metrics.FastnetMeters;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Records fastnet's per-request measurements as Micrometer timers. Timers are looked up
 * once per route and status and cached, so recording costs two map lookups and, for the
 * usual statuses, no allocation.
 *
 * @since 0.1.0
 */
public class MicrometerFastnetMetricsRecorder implements FastnetMetricsRecorder {

	private final MeterRegistry registry;

	private final String clientName;

	// Route, then status: no key object per request, and the common statuses box to
	// cached
	// Integer instances
	private final ConcurrentMap<String, ConcurrentMap<Integer, Timer>> serverTimers = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, ConcurrentMap<Integer, Timer>> clientTimers = new ConcurrentHashMap<>();

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
		timer(this.serverTimers, route, status, FastnetMeters.SERVER_REQUESTS, "Requests handled by the fastnet server",
				Tags.empty())
			.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void clientRequest(String route, int status, long durationNanos) {
		timer(this.clientTimers, route, status, FastnetMeters.CLIENT_REQUESTS, "Requests sent by a fastnet client",
				Tags.of(FastnetMeters.TAG_CLIENT, this.clientName))
			.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	private Timer timer(ConcurrentMap<String, ConcurrentMap<Integer, Timer>> cache, String route, int status,
			String name, String description, Tags tags) {
		ConcurrentMap<Integer, Timer> byStatus = cache.get(route);
		if (byStatus == null) {
			byStatus = cache.computeIfAbsent(route, (key) -> new ConcurrentHashMap<>());
		}
		Timer timer = byStatus.get(status);
		if (timer == null) {
			timer = byStatus.computeIfAbsent(status,
					(key) -> Timer.builder(name)
						.description(description)
						.tags(tags)
						.tag(FastnetMeters.TAG_ROUTE, route)
						.tag(FastnetMeters.TAG_STATUS, FastnetMeters.statusTag(status))
						.tag(FastnetMeters.TAG_OUTCOME, FastnetMeters.outcomeTag(status))
						.register(this.registry));
		}
		return timer;
	}

}
