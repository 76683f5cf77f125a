package dev.fastnet.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizing and upkeep of the connection pool a client keeps per endpoint. Immutable,
 * validated once when built.
 *
 * <pre>{@code
 * PoolOptions pool = PoolOptions.builder().maxConnections(8).acquireTimeout(Duration.ofSeconds(1)).build();
 * }</pre>
 *
 * @param minIdle connections opened eagerly and kept open even when idle; default 0
 * @param maxConnections connections open at most; default 4
 * @param maxInFlightPerConnection calls in flight on one connection at most (requests
 * waiting for their answer, one-way messages and pings being written); beyond it the next
 * connection is used or opened; default 1024
 * @param acquireTimeout how long a call waits for a connection when all are busy; default
 * 5 seconds
 * @param maxPendingAcquires calls waiting for a connection at most; beyond it calls fail
 * at once with {@link PendingAcquireLimitException}; 0 means calls never wait; default
 * 1024
 * @param maxIdleTime a connection without requests for this long is closed, down to
 * {@code minIdle}; default 5 minutes
 * @param pingInterval a connection that read nothing for this long sends a PING, keeping
 * it open past the server's idle timeout and proving it alive; zero disables; default 30
 * seconds
 * @param pingTimeout a PING not answered within this closes the connection; default 5
 * seconds
 * @since 0.1.0
 */
public record PoolOptions(int minIdle, int maxConnections, int maxInFlightPerConnection, Duration acquireTimeout,
		int maxPendingAcquires, Duration maxIdleTime, Duration pingInterval, Duration pingTimeout) {

	/** Default maximum number of connections per endpoint: 4. */
	public static final int DEFAULT_MAX_CONNECTIONS = 4;

	/** Default maximum number of calls in flight per connection: 1024. */
	public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;

	/** Default acquire timeout: 5 seconds. */
	public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

	/** Default maximum number of waiting calls per endpoint: 1024. */
	public static final int DEFAULT_MAX_PENDING_ACQUIRES = 1024;

	/** Default maximum idle time: 5 minutes. */
	public static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofMinutes(5);

	/** Default ping interval: 30 seconds. */
	public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);

	/** Default ping timeout: 5 seconds. */
	public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Validate the options.
	 */
	public PoolOptions {
		Objects.requireNonNull(acquireTimeout, "acquireTimeout");
		Objects.requireNonNull(maxIdleTime, "maxIdleTime");
		Objects.requireNonNull(pingInterval, "pingInterval");
		Objects.requireNonNull(pingTimeout, "pingTimeout");
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
		}
		if (minIdle < 0 || minIdle > maxConnections) {
			throw new IllegalArgumentException(
					"minIdle must be between 0 and maxConnections (" + maxConnections + "): " + minIdle);
		}
		if (maxInFlightPerConnection < 1) {
			throw new IllegalArgumentException(
					"maxInFlightPerConnection must be at least 1: " + maxInFlightPerConnection);
		}
		if (maxPendingAcquires < 0) {
			throw new IllegalArgumentException("maxPendingAcquires must be at least 0: " + maxPendingAcquires);
		}
		ClientConfig.requirePositive("acquireTimeout", acquireTimeout);
		ClientConfig.requirePositive("maxIdleTime", maxIdleTime);
		if (pingInterval.isNegative()) {
			throw new IllegalArgumentException("pingInterval must not be negative: " + pingInterval);
		}
		ClientConfig.requirePositive("pingTimeout", pingTimeout);
	}

	/**
	 * Return the defaults.
	 * @return the default options
	 */
	public static PoolOptions defaults() {
		return builder().build();
	}

	/**
	 * Return a builder with the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder initialised from these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.minIdle = this.minIdle;
		builder.maxConnections = this.maxConnections;
		builder.maxInFlightPerConnection = this.maxInFlightPerConnection;
		builder.acquireTimeout = this.acquireTimeout;
		builder.maxPendingAcquires = this.maxPendingAcquires;
		builder.maxIdleTime = this.maxIdleTime;
		builder.pingInterval = this.pingInterval;
		builder.pingTimeout = this.pingTimeout;
		return builder;
	}

	/**
	 * Builds {@link PoolOptions}; every value starts at its default.
	 */
	public static final class Builder {

		private int minIdle;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private int maxInFlightPerConnection = DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;

		private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;

		private int maxPendingAcquires = DEFAULT_MAX_PENDING_ACQUIRES;

		private Duration maxIdleTime = DEFAULT_MAX_IDLE_TIME;

		private Duration pingInterval = DEFAULT_PING_INTERVAL;

		private Duration pingTimeout = DEFAULT_PING_TIMEOUT;

		private Builder() {
		}

		/**
		 * @param minIdle connections kept open when idle @return this builder
		 */
		public Builder minIdle(int minIdle) {
			this.minIdle = minIdle;
			return this;
		}

		/**
		 * @param maxConnections connections open at most @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * @param maxInFlightPerConnection calls in flight per connection @return this
		 * builder
		 */
		public Builder maxInFlightPerConnection(int maxInFlightPerConnection) {
			this.maxInFlightPerConnection = maxInFlightPerConnection;
			return this;
		}

		/**
		 * @param acquireTimeout how long a call waits for a connection @return this
		 * builder
		 */
		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
			return this;
		}

		/**
		 * @param maxPendingAcquires calls waiting at most @return this builder
		 */
		public Builder maxPendingAcquires(int maxPendingAcquires) {
			this.maxPendingAcquires = maxPendingAcquires;
			return this;
		}

		/**
		 * @param maxIdleTime idle time before a connection is closed @return this builder
		 */
		public Builder maxIdleTime(Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
			return this;
		}

		/**
		 * @param pingInterval silence before a PING, zero to disable @return this builder
		 */
		public Builder pingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
			return this;
		}

		/**
		 * @param pingTimeout time a PING may take @return this builder
		 */
		public Builder pingTimeout(Duration pingTimeout) {
			this.pingTimeout = pingTimeout;
			return this;
		}

		/**
		 * Build and validate the options.
		 * @return the options
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public PoolOptions build() {
			return new PoolOptions(this.minIdle, this.maxConnections, this.maxInFlightPerConnection,
					this.acquireTimeout, this.maxPendingAcquires, this.maxIdleTime, this.pingInterval,
					this.pingTimeout);
		}

	}

}
