package dev.fastnet.spring.metrics;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.fastnet.client.EndpointStats;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.metrics.FastnetMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the pool figures of a fastnet client's endpoints to Micrometer, tagged with the
 * client's name and the endpoint. Meters read the client's lock-free counters when
 * scraped; endpoints that {@link FastnetClient#updateEndpoints} adds get their meters
 * then, removed ones lose theirs.
 *
 * @since 0.1.0
 */
public class FastnetClientMeterBinder implements MeterBinder {

	private final FastnetClient client;

	private final Map<InetSocketAddress, List<Meter>> bound = new HashMap<>();

	/**
	 * Create a binder.
	 * @param client the client
	 */
	public FastnetClientMeterBinder(FastnetClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		synchronized (this.bound) {
			for (EndpointStats endpoint : this.client.endpoints()) {
				bindEndpoint(registry, endpoint.address());
			}
		}
		// Endpoints change at runtime (service discovery): meter new ones, drop removed
		// ones
		this.client.onEndpointsChanged((endpoints) -> {
			synchronized (this.bound) {
				for (InetSocketAddress address : endpoints) {
					bindEndpoint(registry, address);
				}
				this.bound.keySet().removeIf((address) -> {
					if (endpoints.contains(address)) {
						return false;
					}
					this.bound.get(address).forEach(registry::remove);
					return true;
				});
			}
		});
	}

	private void bindEndpoint(MeterRegistry registry, InetSocketAddress address) {
		if (this.bound.containsKey(address)) {
			return;
		}
		int max = this.client.config().pool().maxConnections();
		Tags tags = Tags.of(FastnetMeters.TAG_CLIENT, this.client.config().name(), FastnetMeters.TAG_ENDPOINT,
				address.getHostString() + ":" + address.getPort());
		List<Meter> meters = new ArrayList<>();
		meters.add(gauge(registry, FastnetMeters.CLIENT_POOL_OPEN, "Connections open to the endpoint", tags, address,
				EndpointStats::open));
		meters.add(gauge(registry, FastnetMeters.CLIENT_POOL_IDLE, "Open connections without requests in flight", tags,
				address, EndpointStats::idle));
		meters.add(gauge(registry, FastnetMeters.CLIENT_POOL_IN_USE, "Open connections with requests in flight", tags,
				address, EndpointStats::inUse));
		meters.add(gauge(registry, FastnetMeters.CLIENT_POOL_PENDING, "Requests waiting for a connection", tags,
				address, EndpointStats::pendingAcquires));
		meters.add(gauge(registry, FastnetMeters.CLIENT_REQUESTS_IN_FLIGHT, "Requests in flight to the endpoint", tags,
				address, EndpointStats::inFlight));
		meters.add(gauge(registry, FastnetMeters.CLIENT_ENDPOINT_STATE, "Endpoint state: 1 UP, 0.5 BACKOFF, 0 DOWN",
				tags, address, (stats) -> switch (stats.state()) {
					case UP -> 1.0;
					case BACKOFF -> 0.5;
					case DOWN -> 0.0;
				}));
		meters.add(Gauge.builder(FastnetMeters.CLIENT_POOL_MAX, () -> max)
			.description("Maximum connections to the endpoint")
			.tags(tags)
			.register(registry));
		meters.add(counter(registry, FastnetMeters.CLIENT_CONNECT_ATTEMPTS, "Connect attempts to the endpoint", tags,
				address, EndpointStats::connectAttempts));
		meters.add(counter(registry, FastnetMeters.CLIENT_CONNECT_FAILURES, "Failed connect attempts to the endpoint",
				tags, address, EndpointStats::connectFailures));
		meters.add(counter(registry, FastnetMeters.CLIENT_ENDPOINT_STATE_CHANGES, "Changes of the endpoint's state",
				tags, address, EndpointStats::stateChanges));
		meters.add(FunctionTimer
			.builder(FastnetMeters.CLIENT_POOL_ACQUIRE, this.client,
					(c) -> find(c, address, EndpointStats::acquireCount),
					(c) -> find(c, address, EndpointStats::acquireTimeTotalNanos), TimeUnit.NANOSECONDS)
			.description("Time requests waited for a connection")
			.tags(tags)
			.register(registry));
		this.bound.put(address, meters);
	}

	private Meter gauge(MeterRegistry registry, String name, String description, Tags tags, InetSocketAddress address,
			ToDoubleFunction<EndpointStats> value) {
		return Gauge.builder(name, this.client, (client) -> {
			for (EndpointStats stats : client.endpoints()) {
				if (stats.address().equals(address)) {
					return value.applyAsDouble(stats);
				}
			}
			return Double.NaN;
		}).description(description).tags(tags).register(registry);
	}

	private Meter counter(MeterRegistry registry, String name, String description, Tags tags, InetSocketAddress address,
			ToLongFunction<EndpointStats> value) {
		return FunctionCounter.builder(name, this.client, (client) -> find(client, address, value))
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
