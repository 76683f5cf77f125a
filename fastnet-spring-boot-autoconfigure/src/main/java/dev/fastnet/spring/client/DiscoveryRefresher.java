package dev.fastnet.spring.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.fastnet.client.FastnetClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Looks the endpoints of service-id clients up again at their refresh interval and hands
 * changes to the client, which drains removed endpoints gracefully.
 *
 * @since 0.1.0
 */
public class DiscoveryRefresher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DiscoveryRefresher.class);

	private final Map<String, Target> targets;

	private final Function<String, List<InetSocketAddress>> discovery;

	private final Supplier<Map<String, FastnetClient>> clients;

	private final Map<String, List<InetSocketAddress>> last = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create a refresher.
	 * @param targets the service id and refresh interval of each client that has one, by
	 * name
	 * @param discovery resolves a service id to endpoints
	 * @param clients the clients by name
	 */
	public DiscoveryRefresher(Map<String, Target> targets, Function<String, List<InetSocketAddress>> discovery,
			Supplier<Map<String, FastnetClient>> clients) {
		this.targets = Map.copyOf(targets);
		this.discovery = discovery;
		this.clients = clients;
	}

	@Override
	public void start() {
		if (this.targets.isEmpty()) {
			return;
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "fastnet-discovery");
			thread.setDaemon(true);
			return thread;
		});
		this.targets.forEach((name, target) -> {
			long interval = target.interval().toMillis();
			scheduler.scheduleWithFixedDelay(() -> refresh(name, target.serviceId()), interval, interval,
					TimeUnit.MILLISECONDS);
		});
		this.scheduler = scheduler;
	}

	/**
	 * Look every client's endpoints up now, without waiting for the refresh interval.
	 */
	public void refreshNow() {
		this.targets.forEach((name, target) -> refresh(name, target.serviceId()));
	}

	/**
	 * Look one client's endpoints up now.
	 * @param name the client's name
	 * @param serviceId its service id
	 */
	void refresh(String name, String serviceId) {
		try {
			FastnetClient client = this.clients.get().get(name);
			if (client == null || client.isClosed()) {
				return;
			}
			List<InetSocketAddress> endpoints = this.discovery.apply(serviceId);
			if (endpoints.isEmpty()) {
				// Keep the known endpoints: an empty answer is more often a registry
				// hiccup than a fleet gone
				return;
			}
			List<InetSocketAddress> previous = this.last.put(name, endpoints);
			if (!endpoints.equals(previous)) {
				client.updateEndpoints(endpoints);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Refreshing the endpoints of fastnet client '" + name + "' from service '" + serviceId
					+ "' failed: " + ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * What to refresh for one client.
	 *
	 * @param serviceId the service id
	 * @param interval the refresh interval
	 */
	public record Target(String serviceId, Duration interval) {
	}

}
