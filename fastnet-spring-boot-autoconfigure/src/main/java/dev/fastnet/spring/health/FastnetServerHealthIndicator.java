package dev.fastnet.spring.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerListener;
import dev.fastnet.server.ServerStats;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of a fastnet server: UP while bound and accepting, OUT_OF_SERVICE while
 * draining, DOWN otherwise. A server with listeners beside the default one shows each of
 * them too.
 *
 * @since 0.1.0
 */
public class FastnetServerHealthIndicator extends AbstractHealthIndicator {

	private final FastnetServer server;

	/**
	 * Create an indicator.
	 * @param server the server
	 */
	public FastnetServerHealthIndicator(FastnetServer server) {
		super("fastnet server health check failed");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		FastnetServer.State state = this.server.state();
		switch (state) {
			case RUNNING -> builder.up();
			case DRAINING -> builder.status(Status.OUT_OF_SERVICE);
			default -> builder.down();
		}
		builder.withDetail("state", state.name());
		if (state == FastnetServer.State.RUNNING || state == FastnetServer.State.DRAINING) {
			builder.withDetail("address", this.server.address().getAddress().getHostAddress());
			builder.withDetail("port", this.server.port());
		}
		ServerStats stats = this.server.stats();
		builder.withDetail("transport", this.server.transport().name().toLowerCase())
			.withDetail("connections", stats.connectionsOpen())
			.withDetail("maxConnections", this.server.config().maxConnections())
			.withDetail("inFlight", this.server.inFlight())
			.withDetail("workerQueue", stats.workerQueueSize())
			.withDetail("workerQueueCapacity", stats.workerQueueCapacity())
			.withDetail("tls", FastnetTransportDetails.tls(this.server.tls(), stats))
			.withDetail("socket", FastnetTransportDetails.socket(this.server.config().socket(), true));
		if (this.server.listeners().size() > 1) {
			builder.withDetail("listeners", listeners(state));
		}
	}

	private Map<String, Object> listeners(FastnetServer.State state) {
		boolean bound = state == FastnetServer.State.RUNNING || state == FastnetServer.State.DRAINING;
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (ServerListener listener : this.server.listeners()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("transport", listener.config().transport().name().toLowerCase());
			details.put("framing", listener.config().framing().name());
			if (bound) {
				details.put("address", listener.address().getAddress().getHostAddress());
				details.put("port", listener.port());
			}
			details.put("connections", listener.connectionsOpen());
			listeners.put(listener.name(), details);
		}
		return listeners;
	}

}
