package dev.fastnet.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.server.ServerStats;
import dev.fastnet.spring.handler.MessageHandlerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code fastnet} actuator endpoint: routes with their handler methods, the server's
 * configuration and live figures; a write operation drains the server.
 *
 * @since 0.1.0
 */
@Endpoint(id = "fastnet")
public class FastnetEndpoint {

	private final @Nullable FastnetServer server;

	private final @Nullable MessageHandlerRegistry registry;

	/**
	 * Create an endpoint.
	 * @param server the server, if any
	 * @param registry the handler registry, if any
	 */
	public FastnetEndpoint(@Nullable FastnetServer server, @Nullable MessageHandlerRegistry registry) {
		this.server = server;
		this.registry = registry;
	}

	/**
	 * Describe fastnet in this application.
	 * @return the description
	 */
	@ReadOperation
	public Map<String, Object> fastnet() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("routes", routes());
		if (this.server != null) {
			result.put("server", server(this.server));
		}
		return result;
	}

	/**
	 * Act on the server: {@code drain} stops it gracefully within its configured grace.
	 * @param action the action
	 * @return the outcome
	 */
	@WriteOperation
	public Map<String, Object> server(@Selector String action) {
		FastnetServer server = this.server;
		if (server == null) {
			return Map.of("error", "No fastnet server in this application");
		}
		if (!"drain".equals(action)) {
			return Map.of("error", "Unknown action '" + action + "'; supported: drain");
		}
		server.shutdownGracefully(server.config().shutdownGrace());
		return Map.of("state", server.state().name());
	}

	private List<Map<String, Object>> routes() {
		if (this.registry == null) {
			return List.of();
		}
		String defaultExecution = (this.server != null) ? this.server.config().defaultExecution().name() : "PLATFORM";
		return this.registry.handlerMethods().stream().map((info) -> {
			Map<String, Object> route = new LinkedHashMap<>();
			route.put("route", info.route());
			route.put("bean", info.beanName());
			route.put("method", info.method().toGenericString());
			route.put("execution", (info.execution() != null) ? info.execution().name() : defaultExecution);
			return route;
		}).toList();
	}

	private static Map<String, Object> server(FastnetServer server) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("state", server.state().name());
		if (server.state() == FastnetServer.State.RUNNING || server.state() == FastnetServer.State.DRAINING) {
			result.put("address", server.address().getAddress().getHostAddress());
			result.put("port", server.port());
		}
		result.put("transport", server.transport().name());
		ServerConfig config = server.config();
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("maxFrameSize", config.maxFrameSize());
		configuration.put("maxConnections", config.maxConnections());
		configuration.put("idleTimeout", config.idleTimeout().toString());
		configuration.put("requestTimeout", config.requestTimeout().toString());
		configuration.put("defaultExecution", config.defaultExecution().name());
		configuration.put("workerThreads", config.workers().threads());
		configuration.put("workerQueueCapacity", config.workers().queueCapacity());
		configuration.put("shutdownGrace", config.shutdownGrace().toString());
		result.put("configuration", configuration);
		ServerStats stats = server.stats();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("connections", stats.connectionsOpen());
		figures.put("connectionsAccepted", stats.connectionsAccepted());
		figures.put("connectionsRejected", stats.connectionsRejected());
		figures.put("inFlight", server.inFlight());
		figures.put("requestsOk", stats.requestsOk());
		figures.put("invalidFrames", stats.invalidFrames());
		figures.put("bytesRead", stats.bytesRead());
		figures.put("bytesWritten", stats.bytesWritten());
		figures.put("workerQueue", stats.workerQueueSize());
		figures.put("workersActive", stats.workersActive());
		figures.put("workerRejected", stats.workerRejected());
		result.put("stats", figures);
		return result;
	}


}
