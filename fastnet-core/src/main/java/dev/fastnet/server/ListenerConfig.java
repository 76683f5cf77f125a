package dev.fastnet.server;

import java.util.Objects;

import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.FrameFormat;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of one listener of a {@link FastnetServer}: a port with its own
 * address, framing and limits. Every listener shares the server's event loops, worker
 * pool and routes; one with a compatibility framing dispatches every message to its
 * route.
 *
 * <pre>{@code
 * ListenerConfig anet = ListenerConfig.builder("anet", Framing.anet())
 *     .host("127.0.0.1")
 *     .port(7001)
 *     .route("echo")
 *     .build();
 * ListenerConfig browsers = ListenerConfig.builder("ws", Framing.fastnet())
 *     .transport(ListenerTransport.WEBSOCKET)
 *     .port(7080)
 *     .build();
 * FastnetServer server = FastnetServer.builder(config).listener(anet).listener(browsers).routes(routes).build();
 * }</pre>
 *
 * @param name the name shown in logs, health and metrics (tag {@code listener})
 * @param host address to bind, an IPv4 or IPv6 literal or a host name; default
 * {@code 0.0.0.0}
 * @param port port to bind, 0 for an ephemeral port
 * @param framing how messages are delimited
 * @param maxFrameSize largest frame accepted, as the framing measures it (for
 * length-prefixed framings the bytes after the length field, for the delimiter framing
 * the bytes before the delimiter); default the framing's own,
 * {@value #MAX_DATAGRAM_FRAME_SIZE} for UDP
 * @param route the route every message is dispatched to; required for a compatibility
 * framing, none for fastnet's
 * @param maxConnections connections this listener serves at once, within the server's own
 * limit; further ones are closed at accept; 0 for the server's limit alone; default 0
 * @param transport how peers reach the listener; {@link ListenerTransport#WEBSOCKET}
 * needs fastnet's framing; default {@link ListenerTransport#TCP}
 * @param path the HTTP path of the WebSocket upgrade, used by the WebSocket transport
 * only; default {@value #DEFAULT_PATH}
 * @since 0.1.0
 */
public record ListenerConfig(String name, String host, int port, Framing framing, int maxFrameSize,
		@Nullable String route, int maxConnections, ListenerTransport transport, String path) {

	/** Name of the listener described by {@link ServerConfig} itself. */
	public static final String DEFAULT_NAME = "default";

	/** Default HTTP path of a WebSocket listener's upgrade. */
	public static final String DEFAULT_PATH = "/fastnet";

	/**
	 * Largest frame of a UDP listener, and its default, in bytes after the length field:
	 * the largest UDP payload over IPv4 (65507 bytes) less the length field.
	 */
	public static final int MAX_DATAGRAM_FRAME_SIZE = 65507 - FrameFormat.LENGTH_FIELD_SIZE;

	/**
	 * Validate the configuration.
	 */
	public ListenerConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(framing, "framing");
		Objects.requireNonNull(transport, "transport");
		Objects.requireNonNull(path, "path");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("name must not be empty");
		}
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port of listener '" + name + "' must be between 0 and 65535: " + port);
		}
		framing.checkMaxFrameSize("maxFrameSize of listener '" + name + "'", maxFrameSize);
		if (transport == ListenerTransport.UDP && maxFrameSize > MAX_DATAGRAM_FRAME_SIZE) {
			throw new IllegalArgumentException("maxFrameSize of UDP listener '" + name + "' must be between "
					+ FrameFormat.HEADER_LENGTH + " and " + MAX_DATAGRAM_FRAME_SIZE + ": " + maxFrameSize);
		}
		if (maxConnections < 0) {
			throw new IllegalArgumentException("maxConnections of listener '" + name + "' must be between 0 and "
					+ Integer.MAX_VALUE + ": " + maxConnections);
		}
		if (transport != ListenerTransport.TCP && !framing.isFastnet()) {
			throw new IllegalArgumentException("transport " + transport + " of listener '" + name
					+ "' carries fastnet frames only, not the " + framing.name() + " framing");
		}
		if (!path.startsWith("/") || path.chars().anyMatch((c) -> c <= ' ' || c == '?' || c == '#' || c > '~')) {
			throw new IllegalArgumentException("path of listener '" + name
					+ "' must start with '/' and hold printable ASCII other than '?' and '#': " + path);
		}
		if (framing.isFastnet()) {
			if (route != null) {
				throw new IllegalArgumentException(
						"route of listener '" + name + "' must not be set: fastnet frames carry their own routes");
			}
		}
		else if (route == null || route.isEmpty() || ByteBufUtil.utf8Bytes(route) > FrameFormat.MAX_ROUTE_LENGTH) {
			throw new IllegalArgumentException("route of listener '" + name + "' must be set for the " + framing.name()
					+ " framing, at most " + FrameFormat.MAX_ROUTE_LENGTH + " UTF-8 bytes: " + route);
		}
	}

	/**
	 * Return the listener that {@link ServerConfig} describes: fastnet's framing on its
	 * host and port, with its maximum frame size.
	 * @param config the server's configuration
	 * @return the default listener
	 */
	static ListenerConfig of(ServerConfig config) {
		return new ListenerConfig(DEFAULT_NAME, config.host(), config.port(), Framing.fastnet(), config.maxFrameSize(),
				null, 0, ListenerTransport.TCP, DEFAULT_PATH);
	}

	/**
	 * Return a builder for a listener; the host starts at {@code 0.0.0.0}, the port at 0
	 * and the maximum frame size at the framing's default
	 * ({@value #MAX_DATAGRAM_FRAME_SIZE} for UDP).
	 * @param name the listener's name
	 * @param framing the framing
	 * @return a new builder
	 */
	public static Builder builder(String name, Framing framing) {
		return new Builder(name, framing);
	}

	/**
	 * Builds a {@link ListenerConfig}.
	 */
	public static final class Builder {

		private final String name;

		private final Framing framing;

		private String host = "0.0.0.0";

		private int port;

		private @Nullable Integer maxFrameSize;

		private @Nullable String route;

		private int maxConnections;

		private ListenerTransport transport = ListenerTransport.TCP;

		private String path = DEFAULT_PATH;

		private Builder(String name, Framing framing) {
			this.name = name;
			this.framing = Objects.requireNonNull(framing, "framing");
		}

		/**
		 * @param host the bind address @return this builder
		 */
		public Builder host(String host) {
			this.host = host;
			return this;
		}

		/**
		 * @param port the port, 0 for ephemeral @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * @param maxFrameSize largest frame accepted, as the framing measures it @return
		 * this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * @param route the route every message is dispatched to @return this builder
		 */
		public Builder route(@Nullable String route) {
			this.route = route;
			return this;
		}

		/**
		 * Set how many connections this listener serves at once, within the server's own
		 * limit.
		 * @param maxConnections the limit, 0 for the server's limit alone
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * Set how peers reach the listener.
		 * @param transport the transport
		 * @return this builder
		 */
		public Builder transport(ListenerTransport transport) {
			this.transport = transport;
			return this;
		}

		/**
		 * Set the HTTP path of the WebSocket upgrade.
		 * @param path the path, starting with {@code /}
		 * @return this builder
		 */
		public Builder path(String path) {
			this.path = path;
			return this;
		}

		/**
		 * Build and validate the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public ListenerConfig build() {
			int maxFrameSize = (this.maxFrameSize != null) ? this.maxFrameSize
					: (this.transport == ListenerTransport.UDP) ? MAX_DATAGRAM_FRAME_SIZE
							: this.framing.defaultMaxFrameSize();
			return new ListenerConfig(this.name, this.host, this.port, this.framing, maxFrameSize, this.route,
					this.maxConnections, this.transport, this.path);
		}

	}

}
