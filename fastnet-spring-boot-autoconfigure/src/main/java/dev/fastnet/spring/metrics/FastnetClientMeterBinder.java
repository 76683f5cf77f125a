package dev.fastnet.spring.metrics;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.fastnet.client.EndpointStats;
import dev.fastnet.client.FastnetClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the pool figures of a fastnet client's endpoints to Micrometer, tagged with the client's
 * name and the endpoint. Meters read the client's lock-free counters when scraped; endpoints
 * added later at runtime are not bound.
 *
 * @since 0.1.0
 */
public class FastnetClientMeterBinder implements MeterBinder {

	private final FastnetClient client;

	/**
	 * Create a binder.
	 * @param client the client
	 */
	public FastnetClientMeterBinder(FastnetClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		String name = this.client.config().name();
		int max = this.client.config().pool().maxConnections();
		for (EndpointStats endpoint : this.client.endpoints()) {
			InetSocketAddress address = endpoint.address();
			Tags tags = Tags.of("client", name, "endpoint", address.getHostString() + ":" + address.getPort());
			gauge(registry, "fastnet.client.pool.open", "Connections open to the endpoint", tags, address,
					EndpointStats::open);
			gauge(registry, "fastnet.client.pool.idle", "Open connections without requests in flight", tags, address,
					EndpointStats::idle);
			gauge(registry, "fastnet.client.pool.in.use", "Open connections with requests in flight", tags, address,
					EndpointStats::inUse);
			gauge(registry, "fastnet.client.pool.pending", "Requests waiting for a connection", tags, address,
					EndpointStats::pendingAcquires);
			gauge(registry, "fastnet.client.requests.in.flight", "Requests in flight to the endpoint", tags, address,
					EndpointStats::inFlight);
			gauge(registry, "fastnet.client.endpoint.state", "Endpoint state: 1 UP, 0.5 BACKOFF, 0 DOWN", tags,
					address, (stats) -> switch (stats.state()) {
						case UP -> 1.0;
						case BACKOFF -> 0.5;
						case DOWN -> 0.0;
					});
			Gauge.builder("fastnet.client.pool.max", () -> max)
				.description("Maximum connections to the endpoint")
				.tags(tags)
				.register(registry);
			counter(registry, "fastnet.client.connect.attempts", "Connect attempts to the endpoint", tags, address,
					EndpointStats::connectAttempts);
			counter(registry, "fastnet.client.connect.failures", "Failed connect attempts to the endpoint", tags,
					address, EndpointStats::connectFailures);
			counter(registry, "fastnet.client.endpoint.state.changes", "Changes of the endpoint's state", tags,
					address, EndpointStats::stateChanges);
			FunctionTimer
				.builder("fastnet.client.pool.acquire", this.client, (c) -> find(c, address, EndpointStats::acquireCount),
						(c) -> find(c, address, EndpointStats::acquireTimeTotalNanos), TimeUnit.NANOSECONDS)
				.description("Time requests waited for a connection")
				.tags(tags)
				.register(registry);
		}
	}

	private void gauge(MeterRegistry registry, String name, String description, Tags tags, InetSocketAddress address,
			ToDoubleFunction<EndpointStats> value) {
		Gauge.builder(name, this.client, (client) -> {
			for (EndpointStats stats : client.endpoints()) {
				if (stats.address().equals(address)) {
					return value.applyAsDouble(stats);
				}
			}
			return Double.NaN;
		}).description(description).tags(tags).register(registry);
	}

	private void counter(MeterRegistry registry, String name, String description, Tags tags,
			InetSocketAddress address, ToLongFunction<EndpointStats> value) {
		FunctionCounter.builder(name, this.client, (client) -> find(client, address, value))
			.description(description)
			.tags(tags)
			.register(registry);
	}

	private static long find(FastnetClient client, InetSocketAddress address, ToLongFunction<EndpointStats> value) {
		for (EndpointStats stats : client.endpoints()) {
			if (stats.address().equals(address)) {
				return value.applyAsLong(stats);
			}
		}
		return 0;
	}

}
