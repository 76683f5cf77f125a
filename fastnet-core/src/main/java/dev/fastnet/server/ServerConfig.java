package dev.fastnet.server;

import java.time.Duration;
import java.util.Objects;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.transport.SocketOptions;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import dev.fastnet.worker.WorkerPoolOptions;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a {@link FastnetServer}, validated once when built.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).build();
 * }</pre>
 *
 * @param host address to bind, an IPv4 or IPv6 literal or a host name; default
 * {@code 0.0.0.0}
 * @param port port to bind, 0 for an ephemeral port; default 7000
 * @param ioThreads event-loop threads, 0 for Netty's default (twice the cores); default 0
 * @param maxFrameSize largest accepted length field, in bytes; default 1 MiB
 * @param maxConnections connections served at once; further ones are closed at accept;
 * default 10000
 * @param idleTimeout a connection that sends nothing for this long is closed (a PING
 * counts), zero for never; default 5 minutes
 * @param requestTimeout a request not answered within this is answered ERROR 408, zero
 * for never; default 30 seconds
 * @param workers sizing of the worker pool
 * @param defaultExecution where handlers run unless their route says otherwise; default
 * {@link Execution#PLATFORM}
 * @param shutdownGrace how long a graceful stop waits for requests in flight and for
 * peers to close their connections after the GOAWAY; default 30 seconds
 * @param transport the Netty transport; default {@link Transport#AUTO}
 * @param writeBufferLowWaterMark outbound bytes below which a paused connection reads
 * again; default 32 KiB
 * @param writeBufferHighWaterMark outbound bytes above which a connection stops reading;
 * default 64 KiB
 * @param socket socket options of the listening address and its connections; default
 * {@link SocketOptions#defaults()}
 * @param frameTimeout a frame not complete this long after its first byte arrived closes
 * the connection, zero for never; default 5 seconds
 * @param maxPartialFrameBytes bytes of unfinished frames buffered across all connections;
 * beyond it the connection with the largest unfinished frame is closed, zero for no
 * limit; checked after each read, so it can be passed by what one read brings; default 64
 * MiB
 * @param maxHeaderCount header entries accepted in one frame; a request with more is
 * answered ERROR 400; default 64
 * @param maxHeaderSize bytes of a headers block accepted in one frame; a request with a
 * larger block is answered ERROR 400; default 8 KiB
 * @param minPingInterval a PING that arrives sooner than this after the previous accepted
 * one, with no request in flight and no answer written since, is a strike; zero accepts
 * every PING; default 5 seconds
 * @param maxPingStrikes strikes a connection is forgiven: the next one gets GOAWAY and
 * closes the connection; an answer written resets them; default 2
 * @param tls TLS of the listening address, {@code null} for plain TCP; default
 * {@code null}
 * @since 0.1.0
 */
public record ServerConfig(String host, int port, int ioThreads, int maxFrameSize, int maxConnections,
		Duration idleTimeout, Duration requestTimeout, WorkerPoolOptions workers, Execution defaultExecution,
		Duration shutdownGrace, Transport transport, int writeBufferLowWaterMark, int writeBufferHighWaterMark,
		SocketOptions socket, Duration frameTimeout, long maxPartialFrameBytes, int maxHeaderCount, int maxHeaderSize,
		Duration minPingInterval, int maxPingStrikes, @Nullable TlsConfig tls) {

	/** Default port: 7000. */
	public static final int DEFAULT_PORT = 7000;

	/** Default maximum number of connections: 10000. */
	public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

	/** Default idle timeout: 5 minutes. */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

	/** Default request timeout: 30 seconds. */
	public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/** Default shutdown grace: 30 seconds. */
	public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

	/** Default frame timeout: 5 seconds. */
	public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default limit of bytes buffered for unfinished frames across all connections: 64
	 * MiB.
	 */
	public static final long DEFAULT_MAX_PARTIAL_FRAME_BYTES = 64L * 1024 * 1024;

	/** Default maximum number of header entries in a frame: 64. */
	public static final int DEFAULT_MAX_HEADER_COUNT = 64;

	/** Default maximum size of a headers block: 8 KiB. */
	public static final int DEFAULT_MAX_HEADER_SIZE = 8 * 1024;

	/** Default minimum time between PINGs: 5 seconds. */
	public static final Duration DEFAULT_MIN_PING_INTERVAL = Duration.ofSeconds(5);

	/** Default number of PINGs arriving too soon that a connection is forgiven: 2. */
	public static final int DEFAULT_MAX_PING_STRIKES = 2;

	/**
	 * Validate the configuration.
	 */
	public ServerConfig {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		Objects.requireNonNull(requestTimeout, "requestTimeout");
		Objects.requireNonNull(workers, "workers");
		Objects.requireNonNull(defaultExecution, "defaultExecution");
		Objects.requireNonNull(shutdownGrace, "shutdownGrace");
		Objects.requireNonNull(transport, "transport");
		Objects.requireNonNull(socket, "socket");
		Objects.requireNonNull(frameTimeout, "frameTimeout");
		Objects.requireNonNull(minPingInterval, "minPingInterval");
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
		}
		if (ioThreads < 0) {
			throw new IllegalArgumentException("ioThreads must be at least 0: " + ioThreads);
		}
		if (maxFrameSize < FrameFormat.HEADER_LENGTH) {
			throw new IllegalArgumentException("maxFrameSize must be between " + FrameFormat.HEADER_LENGTH + " and "
					+ Integer.MAX_VALUE + ": " + maxFrameSize);
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
		}
		requireNotNegative("idleTimeout", idleTimeout);
		requireNotNegative("requestTimeout", requestTimeout);
		requireNotNegative("shutdownGrace", shutdownGrace);
		if (writeBufferLowWaterMark < 1 || writeBufferHighWaterMark < writeBufferLowWaterMark) {
			throw new IllegalArgumentException("writeBufferLowWaterMark must be at least 1 and at most "
					+ "writeBufferHighWaterMark: " + writeBufferLowWaterMark + " > " + writeBufferHighWaterMark);
		}
		requireNotNegative("frameTimeout", frameTimeout);
		if (maxPartialFrameBytes < 0) {
			throw new IllegalArgumentException(
					"maxPartialFrameBytes must be between 0 and " + Long.MAX_VALUE + ": " + maxPartialFrameBytes);
		}
		if (maxHeaderCount < 0) {
			throw new IllegalArgumentException(
					"maxHeaderCount must be between 0 and " + Integer.MAX_VALUE + ": " + maxHeaderCount);
		}
		if (maxHeaderSize < 0 || maxHeaderSize > FrameFormat.MAX_HEADERS_BLOCK) {
			throw new IllegalArgumentException(
					"maxHeaderSize must be between 0 and " + FrameFormat.MAX_HEADERS_BLOCK + ": " + maxHeaderSize);
		}
		requireNotNegative("minPingInterval", minPingInterval);
		if (maxPingStrikes < 0) {
			throw new IllegalArgumentException(
					"maxPingStrikes must be between 0 and " + Integer.MAX_VALUE + ": " + maxPingStrikes);
		}
	}

	private static void requireNotNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative: " + value);
		}
	}

	/**
	 * Return a builder with the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the default configuration.
	 * @return the defaults
	 */
	public static ServerConfig defaults() {
		return builder().build();
	}

	/**
	 * Return a builder initialised from this configuration.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.host = this.host;
		builder.port = this.port;
		builder.ioThreads = this.ioThreads;
		builder.maxFrameSize = this.maxFrameSize;
		builder.maxConnections = this.maxConnections;
		builder.idleTimeout = this.idleTimeout;
		builder.requestTimeout = this.requestTimeout;
		builder.workers = this.workers;
		builder.defaultExecution = this.defaultExecution;
		builder.shutdownGrace = this.shutdownGrace;
		builder.transport = this.transport;
		builder.writeBufferLowWaterMark = this.writeBufferLowWaterMark;
		builder.writeBufferHighWaterMark = this.writeBufferHighWaterMark;
		builder.socket = this.socket;
		builder.frameTimeout = this.frameTimeout;
		builder.maxPartialFrameBytes = this.maxPartialFrameBytes;
		builder.maxHeaderCount = this.maxHeaderCount;
		builder.maxHeaderSize = this.maxHeaderSize;
		builder.minPingInterval = this.minPingInterval;
		builder.maxPingStrikes = this.maxPingStrikes;
		builder.tls = this.tls;
		return builder;
	}

	/**
	 * Builds a {@link ServerConfig}; every value starts at its default.
	 */
	public static final class Builder {

		private String host = "0.0.0.0";

		private int port = DEFAULT_PORT;

		private int ioThreads;

		private int maxFrameSize = FrameFormat.DEFAULT_MAX_FRAME_SIZE;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private WorkerPoolOptions workers = WorkerPoolOptions.defaults();

		private Execution defaultExecution = Execution.PLATFORM;

		private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

		private Transport transport = Transport.AUTO;

		private int writeBufferLowWaterMark = 32 * 1024;

		private int writeBufferHighWaterMark = 64 * 1024;

		private SocketOptions socket = SocketOptions.defaults();

		private Duration frameTimeout = DEFAULT_FRAME_TIMEOUT;

		private long maxPartialFrameBytes = DEFAULT_MAX_PARTIAL_FRAME_BYTES;

		private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;

		private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;

		private Duration minPingInterval = DEFAULT_MIN_PING_INTERVAL;

		private int maxPingStrikes = DEFAULT_MAX_PING_STRIKES;

		private @Nullable TlsConfig tls;

		private Builder() {
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
		 * @param maxConnections connections served at once @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * @param idleTimeout idle time before close, zero for never @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * @param requestTimeout time before ERROR 408, zero for never @return this
		 * builder
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * @param workers worker pool sizing @return this builder
		 */
		public Builder workers(WorkerPoolOptions workers) {
			this.workers = workers;
			return this;
		}

		/**
		 * @param defaultExecution where handlers run by default @return this builder
		 */
		public Builder defaultExecution(Execution defaultExecution) {
			this.defaultExecution = defaultExecution;
			return this;
		}

		/**
		 * @param shutdownGrace graceful stop budget @return this builder
		 */
		public Builder shutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
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
		 * Set the write-buffer water marks.
		 * @param low bytes below which reading resumes
		 * @param high bytes above which reading pauses
		 * @return this builder
		 */
		public Builder writeBufferWaterMarks(int low, int high) {
			this.writeBufferLowWaterMark = low;
			this.writeBufferHighWaterMark = high;
			return this;
		}

		/**
		 * @param socket socket options of the listening address @return this builder
		 */
		public Builder socket(SocketOptions socket) {
			this.socket = socket;
			return this;
		}

		/**
		 * Serve TLS instead of plain TCP.
		 * @param tls the TLS settings, {@code null} for plain TCP
		 * @return this builder
		 */
		public Builder tls(@Nullable TlsConfig tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Set the time a frame may take to arrive, counted from its first byte; a
		 * connection whose frame takes longer is closed.
		 * @param frameTimeout the time, zero for never
		 * @return this builder
		 */
		public Builder frameTimeout(Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
			return this;
		}

		/**
		 * Set the bytes of unfinished frames buffered across all connections beyond which
		 * the connection with the largest unfinished frame is closed.
		 * @param maxPartialFrameBytes the limit in bytes, zero for none
		 * @return this builder
		 */
		public Builder maxPartialFrameBytes(long maxPartialFrameBytes) {
			this.maxPartialFrameBytes = maxPartialFrameBytes;
			return this;
		}

		/**
		 * @param maxHeaderCount header entries accepted in one frame @return this builder
		 */
		public Builder maxHeaderCount(int maxHeaderCount) {
			this.maxHeaderCount = maxHeaderCount;
			return this;
		}

		/**
		 * @param maxHeaderSize bytes of a headers block accepted in one frame @return
		 * this builder
		 */
		public Builder maxHeaderSize(int maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
			return this;
		}

		/**
		 * Set the shortest time between PINGs of a connection that is not using it
		 * otherwise; a PING that comes sooner is a strike.
		 * @param minPingInterval the time, zero to accept every PING
		 * @return this builder
		 */
		public Builder minPingInterval(Duration minPingInterval) {
			this.minPingInterval = minPingInterval;
			return this;
		}

		/**
		 * Set how many PINGs arriving too soon a connection is forgiven before it is sent
		 * GOAWAY and closed.
		 * @param maxPingStrikes the strikes forgiven, 0 to close at the first
		 * @return this builder
		 */
		public Builder maxPingStrikes(int maxPingStrikes) {
			this.maxPingStrikes = maxPingStrikes;
			return this;
		}

		/**
		 * Build and validate the configuration.
		 * @return the configuration
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public ServerConfig build() {
			return new ServerConfig(this.host, this.port, this.ioThreads, this.maxFrameSize, this.maxConnections,
					this.idleTimeout, this.requestTimeout, this.workers, this.defaultExecution, this.shutdownGrace,
					this.transport, this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.socket,
					this.frameTimeout, this.maxPartialFrameBytes, this.maxHeaderCount, this.maxHeaderSize,
					this.minPingInterval, this.maxPingStrikes, this.tls);
		}

	}

}
