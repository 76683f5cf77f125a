package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.transport.SocketOptions;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a {@link FastnetClient}, validated once when built.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder()
 *     .endpoint("10.0.0.1", 7000)
 *     .endpoint("10.0.0.2", 7000)
 *     .pool(PoolOptions.builder().maxConnections(8).build())
 *     .build();
 * }</pre>
 *
 * @param endpoints the servers to connect to, at least one; host names are resolved at
 * each connect
 * @param name name of the client, used in thread names
 * ({@code fastnet-client-<name>-io}); default {@code default}
 * @param ioThreads event-loop threads, 0 for Netty's default (twice the cores); default 0
 * @param maxFrameSize largest accepted length field of an incoming frame, in bytes, as
 * the framing measures it; default 1 MiB, or the framing's own default
 * @param connectTimeout how long a connect attempt may take, including the first PING
 * exchange that proves the server alive; default 5 seconds
 * @param requestTimeout how long a request waits for its answer unless the call gives its
 * own timeout; default 30 seconds
 * @param shutdownGrace how long {@link FastnetClient#close()} waits for requests in
 * flight; default 10 seconds
 * @param resendBufferSize request payload bytes the client keeps, once written, until
 * their answers, so that a request a draining server refuses (503 after its GOAWAY) or
 * one written on a connection that proves stale is sent again on another connection; a
 * request whose payload does not fit is not kept and such a failure reaches the caller; 0
 * keeps none; default 1 MiB
 * @param pool sizing of the per-endpoint connection pools
 * @param reconnect backoff and circuit of the reconnect governor
 * @param balancing how calls are spread over healthy endpoints; default
 * {@link Balancing#LEAST_OUTSTANDING}
 * @param transport the Netty transport; default {@link Transport#AUTO}
 * @param framing what the servers speak; default {@link Framing#fastnet()}. With a
 * compatibility framing such as {@link Framing#anet()}, a request's route and headers are
 * not sent, answers are correlated by the framing's id (or come in order when it has
 * none), one-way messages cannot be sent, and PINGs are answered by the client itself
 * @param socket socket options of the connections (the accept-side ones are ignored);
 * default {@link SocketOptions#defaults()}
 * @param tls TLS of the connections, {@code null} for plain TCP; the server's certificate
 * is checked against the endpoint's host name; default {@code null}
 * @since 0.1.0
 */
public record ClientConfig(List<InetSocketAddress> endpoints, String name, int ioThreads, int maxFrameSize,
		Duration connectTimeout, Duration requestTimeout, Duration shutdownGrace, long resendBufferSize,
		PoolOptions pool, ReconnectOptions reconnect, Balancing balancing, Transport transport, Framing framing,
		SocketOptions socket, @Nullable TlsConfig tls) {

	/** Default client name: {@code default}. */
	public static final String DEFAULT_NAME = "default";

	/** Default connect timeout: 5 seconds. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** Default request timeout: 30 seconds. */
	public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/** Default shutdown grace: 10 seconds. */
	public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

	/** Default resend buffer size: 1 MiB. */
	public static final long DEFAULT_RESEND_BUFFER_SIZE = 1024 * 1024;

	/**
	 * Validate the configuration.
	 */
	public ClientConfig {
		Objects.requireNonNull(endpoints, "endpoints");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(requestTimeout, "requestTimeout");
		Objects.requireNonNull(shutdownGrace, "shutdownGrace");
		Objects.requireNonNull(pool, "pool");
		Objects.requireNonNull(reconnect, "reconnect");
		Objects.requireNonNull(balancing, "balancing");
		Objects.requireNonNull(transport, "transport");
		Objects.requireNonNull(framing, "framing");
		Objects.requireNonNull(socket, "socket");
		if (tls != null && tls.context().isServer()) {
			throw new IllegalArgumentException("tls must hold a client context, not a server context");
		}
		endpoints = checkEndpoints(endpoints);
		if (endpoints.isEmpty()) {
			throw new IllegalArgumentException("endpoints must not be empty");
		}
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank: '" + name + "'");
		}
		if (ioThreads < 0) {
			throw new IllegalArgumentException("ioThreads must be at least 0: " + ioThreads);
		}
		if (!framing.isFastnet()) {
			framing.checkMaxFrameSize("maxFrameSize", maxFrameSize);
		}
		else if (maxFrameSize < FrameFormat.HEADER_LENGTH) {
			throw new IllegalArgumentException("maxFrameSize must be between " + FrameFormat.HEADER_LENGTH + " and "
					+ Integer.MAX_VALUE + ": " + maxFrameSize);
		}
		requirePositive("connectTimeout", connectTimeout);
		requirePositive("requestTimeout", requestTimeout);
		if (shutdownGrace.isNegative()) {
			throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
		}
		if (resendBufferSize < 0) {
			throw new IllegalArgumentException("resendBufferSize must be at least 0: " + resendBufferSize);
		}
	}

	static List<InetSocketAddress> checkEndpoints(List<InetSocketAddress> endpoints) {
		List<InetSocketAddress> copy = List.copyOf(endpoints);
		if (copy.size() != copy.stream().distinct().count()) {
			throw new IllegalArgumentException("endpoints must not contain duplicates: " + copy);
		}
		for (InetSocketAddress endpoint : copy) {
			if (endpoint.getPort() == 0) {
				throw new IllegalArgumentException("endpoint port must be between 1 and 65535: " + endpoint);
			}
		}
		return copy;
	}

	static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive: " + value);
		}
	}

	/**
	 * Return a builder with the defaults and no endpoints.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder initialised from this configuration.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.endpoints.addAll(this.endpoints);
		builder.name = this.name;
		builder.ioThreads = this.ioThreads;
		builder.maxFrameSize = this.maxFrameSize;
		builder.connectTimeout = this.connectTimeout;
		builder.requestTimeout = this.requestTimeout;
		builder.shutdownGrace = this.shutdownGrace;
		builder.pool = this.pool;
		builder.reconnect = this.reconnect;
		builder.balancing = this.balancing;
		builder.transport = this.transport;
		builder.framing = this.framing;
		builder.socket = this.socket;
		builder.tls = this.tls;
		return builder;
	}

	/**
	 * Builds a {@link ClientConfig}; every value starts at its default.
	 */
	public static final class Builder {

		private final List<InetSocketAddress> endpoints = new ArrayList<>();

		private String name = DEFAULT_NAME;

		private int ioThreads;

		// Unset: the framing's default
		private @Nullable Integer maxFrameSize;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

		private long resendBufferSize = DEFAULT_RESEND_BUFFER_SIZE;

		private PoolOptions pool = PoolOptions.defaults();

		private ReconnectOptions reconnect = ReconnectOptions.defaults();

		private Balancing balancing = Balancing.LEAST_OUTSTANDING;

		private Transport transport = Transport.AUTO;

		private Framing framing = Framing.fastnet();

		private SocketOptions socket = SocketOptions.defaults();

		private @Nullable TlsConfig tls;

		private Builder() {
		}

		/**
		 * Add an endpoint; the host is resolved at each connect.
		 * @param host a host name or an IP literal
		 * @param port the port
		 * @return this builder
		 */
		public Builder endpoint(String host, int port) {
			Objects.requireNonNull(host, "host");
			this.endpoints.add(InetSocketAddress.createUnresolved(host, port));
			return this;
		}

		/**
		 * Add an endpoint.
		 * @param endpoint the address
		 * @return this builder
		 */
		public Builder endpoint(InetSocketAddress endpoint) {
			this.endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
			return this;
		}

		/**
		 * Replace the endpoints.
		 * @param endpoints the addresses
		 * @return this builder
		 */
		public Builder endpoints(List<InetSocketAddress> endpoints) {
			Objects.requireNonNull(endpoints, "endpoints");
			this.endpoints.clear();
			this.endpoints.addAll(endpoints);
			return this;
		}

		/**
		 * @param name the client's name, used in thread names @return this builder
		 */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * @param ioThreads event-loop threads, 0 for the default @return this builder
		 */
		public Builder ioThreads(int ioThreads) {
			this.ioThreads = ioThreads;
			return this;
		}

		/**
		 * @param maxFrameSize largest accepted length field in bytes @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * @param connectTimeout time a connect attempt may take @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
			return this;
		}

		/**
		 * @param requestTimeout default time a request waits for its answer @return this
		 * builder
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * @param shutdownGrace time close() waits for requests in flight @return this
		 * builder
		 */
		public Builder shutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
			return this;
		}

		/**
		 * Set how many request payload bytes are kept, once written, to send requests
		 * again that a draining server refused or a stale connection lost.
		 * @param resendBufferSize the size in bytes, 0 to keep none
		 * @return this builder
		 */
		public Builder resendBufferSize(long resendBufferSize) {
			this.resendBufferSize = resendBufferSize;
			return this;
		}

		/**
		 * @param pool the pool options @return this builder
		 */
		public Builder pool(PoolOptions pool) {
			this.pool = pool;
			return this;
		}

		/**
		 * @param reconnect the reconnect options @return this builder
		 */
		public Builder reconnect(ReconnectOptions reconnect) {
			this.reconnect = reconnect;
			return this;
		}

		/**
		 * @param balancing how calls are spread over endpoints @return this builder
		 */
		public Builder balancing(Balancing balancing) {
			this.balancing = balancing;
			return this;
		}

		/**
		 * @param transport the Netty transport @return this builder
		 */
		public Builder transport(Transport transport) {
			this.transport = transport;
			return this;
		}

		/**
		 * @param socket socket options of the connections @return this builder
		 */
		public Builder socket(SocketOptions socket) {
			this.socket = socket;
			return this;
		}

		/**
		 * Connect with TLS instead of plain TCP.
		 * @param tls the TLS settings, built with {@link TlsConfig#forClient()};
		 * {@code null} for plain TCP
		 * @return this builder
		 */
		public Builder tls(@Nullable TlsConfig tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Set what the servers speak; the maximum frame size, unless set, becomes the
		 * framing's default.
		 * @param framing the framing
		 * @return this builder
		 */
		public Builder framing(Framing framing) {
			this.framing = framing;
			return this;
		}

		/**
		 * Build and validate the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public ClientConfig build() {
			return new ClientConfig(this.endpoints, this.name, this.ioThreads,
					(this.maxFrameSize != null) ? this.maxFrameSize : this.framing.defaultMaxFrameSize(),
					this.connectTimeout, this.requestTimeout, this.shutdownGrace, this.resendBufferSize, this.pool,
					this.reconnect, this.balancing, this.transport, this.framing, this.socket, this.tls);
		}

	}

}
