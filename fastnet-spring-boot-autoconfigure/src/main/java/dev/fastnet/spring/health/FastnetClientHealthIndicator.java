package dev.fastnet.spring.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastnet.client.EndpointState;
import dev.fastnet.client.EndpointStats;
import dev.fastnet.client.FastnetClient;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of a fastnet client: UP while at least one endpoint is UP, DOWN when none is;
 * details for every endpoint.
 *
 * @since 0.1.0
 */
public class FastnetClientHealthIndicator extends AbstractHealthIndicator {

	private final FastnetClient client;

	/**
	 * Create an indicator.
	 * @param client the client
	 */
	public FastnetClientHealthIndicator(FastnetClient client) {
		super("fastnet client health check failed");
		this.client = client;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<EndpointStats> endpoints = this.client.endpoints();
		boolean up = !this.client.isClosed()
				&& endpoints.stream().anyMatch((endpoint) -> endpoint.state() == EndpointState.UP);
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
		Map<String, Object> details = new LinkedHashMap<>();
		for (EndpointStats endpoint : endpoints) {
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("state", endpoint.state().name());
			figures.put("open", endpoint.open());
			figures.put("idle", endpoint.idle());
			figures.put("inUse", endpoint.inUse());
			figures.put("pendingAcquires", endpoint.pendingAcquires());
			figures.put("inFlight", endpoint.inFlight());
			details.put(endpoint.address().getHostString() + ":" + endpoint.address().getPort(), figures);
		}
		builder.withDetail("endpoints", details)
			.withDetail("transport", this.client.transport().name().toLowerCase())
			.withDetail("tls", FastnetTransportDetails.tls(this.client.tls(), null))
			.withDetail("socket", FastnetTransportDetails.socket(this.client.config().socket(), false));
	}

}
