package dev.fastnet.spring.actuate;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.EndpointStats;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ListenerTransport;
import dev.fastnet.server.PortInUseException;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.server.ServerListener;
import dev.fastnet.server.ServerStats;
import dev.fastnet.spring.health.FastnetTransportDetails;
import dev.fastnet.spring.handler.MessageHandlerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@code fastnet} actuator endpoint: routes with their handler methods, the server's
 * configuration and live figures, each client's endpoints and pools. Write operations
 * drain the server ({@code POST /actuator/fastnet/drain}), undo a drain
 * ({@code POST /actuator/fastnet/resume}) and close the circuit of a client's endpoint
 * ({@code POST /actuator/fastnet/<client>/reset-circuit} with {@code {"endpoint":
 * "host:port"}}).
 * <p>
 * Access is read-only by default: write operations exist only with
 * {@code management.endpoint.fastnet.access=unrestricted}, because they take the server
 * out of service for whoever can reach the actuator.
 *
 * @since 0.1.0
 */
@Endpoint(id = "fastnet", defaultAccess = Access.READ_ONLY)
public class FastnetEndpoint {

	// WebEndpointResponse has no constant for it
	private static final int STATUS_CONFLICT = 409;

	private final @Nullable FastnetServer server;

	private final @Nullable MessageHandlerRegistry registry;

	private final Supplier<Map<String, FastnetClient>> clients;

	private final ApplicationEventPublisher publisher;

	/**
	 * Create an endpoint.
	 * @param server the server, if any
	 * @param registry the handler registry, if any
	 * @param clients the clients by name
	 * @param publisher where readiness changes are published
	 */
	public FastnetEndpoint(@Nullable FastnetServer server, @Nullable MessageHandlerRegistry registry,
			Supplier<Map<String, FastnetClient>> clients, ApplicationEventPublisher publisher) {
		this.server = server;
		this.registry = registry;
		this.clients = clients;
		this.publisher = publisher;
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
		Map<String, Object> clients = new LinkedHashMap<>();
		this.clients.get().forEach((name, client) -> clients.put(name, client(client)));
		result.put("clients", clients);
		return result;
	}

	/**
	 * Act on a client: {@code reset-circuit} closes the circuit of one of its endpoints.
	 * Over HTTP, a malformed request is answered 400 and an unknown client or endpoint
	 * 404.
	 * @param client the client's name
	 * @param action the action
	 * @param endpoint the endpoint as {@code host:port}
	 * @return the outcome
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> client(@Selector String client, @Selector String action,
			String endpoint) {
		if (!"reset-circuit".equals(action)) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Unknown action '" + action + "'; supported: reset-circuit");
		}
		InetSocketAddress address = parseEndpoint(endpoint);
		if (address == null) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Endpoint '" + endpoint + "' is not host:port");
		}
		FastnetClient target = this.clients.get().get(client);
		if (target == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No fastnet client named '" + client + "'");
		}
		if (!target.resetCircuit(address)) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "Client '" + client + "' has no endpoint " + endpoint);
		}
		return new WebEndpointResponse<>(Map.of("reset", endpoint));
	}

	private static @Nullable InetSocketAddress parseEndpoint(String endpoint) {
		int colon = endpoint.lastIndexOf(':');
		if (colon <= 0) {
			return null;
		}
		try {
			return InetSocketAddress.createUnresolved(endpoint.substring(0, colon),
					Integer.parseInt(endpoint.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static WebEndpointResponse<Map<String, Object>> error(int status, String message) {
		return new WebEndpointResponse<>(Map.of("error", message), status);
	}

	private static Map<String, Object> client(FastnetClient client) {
		ClientConfig config = client.config();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("closed", client.isClosed());
		result.put("balancing", config.balancing().name());
		result.put("framing", config.framing().toString());
		result.put("requestTimeout", config.requestTimeout().toString());
		result.put("maxConnectionsPerEndpoint", config.pool().maxConnections());
		result.put("maxInFlightPerConnection", config.pool().maxInFlightPerConnection());
		result.put("transport", client.transport().name());
		result.put("tls", FastnetTransportDetails.tls(client.tls(), null));
		result.put("socket", FastnetTransportDetails.socket(config.socket(), false));
		List<Map<String, Object>> endpoints = new ArrayList<>();
		for (EndpointStats stats : client.endpoints()) {
			Map<String, Object> endpoint = new LinkedHashMap<>();
			endpoint.put("endpoint", stats.address().getHostString() + ":" + stats.address().getPort());
			endpoint.put("state", stats.state().name());
			endpoint.put("open", stats.open());
			endpoint.put("idle", stats.idle());
			endpoint.put("inUse", stats.inUse());
			endpoint.put("pendingAcquires", stats.pendingAcquires());
			endpoint.put("inFlight", stats.inFlight());
			endpoint.put("requestsOk", stats.requestsOk());
			endpoint.put("requestsFailed", stats.requestsFailed());
			endpoint.put("requestsTimedOut", stats.requestsTimedOut());
			endpoint.put("connectAttempts", stats.connectAttempts());
			endpoint.put("connectFailures", stats.connectFailures());
			endpoint.put("meanAcquireNanos", stats.meanAcquireNanos());
			endpoints.add(endpoint);
		}
		result.put("endpoints", endpoints);
		return result;
	}

	/**
	 * Act on the server: {@code drain} makes it refuse new connections and requests
	 * (GOAWAY, then ERROR 503) while those in flight finish, without stopping it;
	 * {@code resume} makes it take them again. Readiness follows: refusing traffic while
	 * drained, accepting it when resumed. Over HTTP, an unknown action is answered 400,
	 * an application without a server 404, draining a server that is not running or
	 * resuming one that is not draining 409, as is a resume whose port was taken
	 * meanwhile.
	 * @param action the action
	 * @return the outcome
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> server(@Selector String action) {
		FastnetServer server = this.server;
		if (!"drain".equals(action) && !"resume".equals(action)) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Unknown action '" + action + "'; supported: drain, resume");
		}
		if (server == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No fastnet server in this application");
		}
		if ("drain".equals(action)) {
			if (!server.drain()) {
				return error(STATUS_CONFLICT, "Server is " + server.state().name() + "; only a running server drains");
			}
			// A draining instance should get no new traffic from load balancers
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
		else {
			try {
				if (!server.resume()) {
					return error(STATUS_CONFLICT,
							"Server is " + server.state().name() + "; only a draining server resumes");
				}
			}
			catch (PortInUseException ex) {
				return error(STATUS_CONFLICT, String.valueOf(ex.getMessage()));
			}
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
		return new WebEndpointResponse<>(Map.of("state", server.state().name()));
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
		configuration.put("tls", FastnetTransportDetails.tls(server.tls(), server.stats()));
		configuration.put("socket", FastnetTransportDetails.socket(config.socket(), true));
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
		result.put("listeners", server.listeners().stream().map((listener) -> listener(server, listener)).toList());
		return result;
	}

	private static Map<String, Object> listener(FastnetServer server, ServerListener listener) {
		ListenerConfig config = listener.config();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", listener.name());
		result.put("transport", config.transport().name().toLowerCase());
		if (config.transport() == ListenerTransport.WEBSOCKET) {
			result.put("path", config.path());
		}
		result.put("framing", config.framing().toString());
		if (config.route() != null) {
			result.put("route", config.route());
		}
		if (server.state() == FastnetServer.State.RUNNING || server.state() == FastnetServer.State.DRAINING) {
			result.put("address", listener.address().getAddress().getHostAddress());
			result.put("port", listener.port());
		}
		result.put("maxFrameSize", config.maxFrameSize());
		result.put("connections", listener.connectionsOpen());
		result.put("connectionsAccepted", listener.connectionsAccepted());
		result.put("bytesRead", listener.bytesRead());
		result.put("bytesWritten", listener.bytesWritten());
		result.put("unanswerable", listener.unanswerable());
		return result;
	}

}
