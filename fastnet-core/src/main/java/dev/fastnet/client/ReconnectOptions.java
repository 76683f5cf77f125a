package dev.fastnet.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client retries an endpoint whose connect attempts fail: exponential backoff with
 * jitter and a cap, and a circuit that opens after consecutive failures. A connection
 * accepted and then closed before it answered anything counts as a failed attempt.
 * Immutable, validated once when built.
 *
 * @param initialBackoff delay after the first failure; default 100 ms
 * @param multiplier factor applied to the delay after each further failure, at least 1;
 * default 1.6
 * @param maxBackoff cap of the delay; default 10 seconds
 * @param jitter random spread of each delay, as a fraction between 0 and 1: 0.2 means
 * ±20%; default 0.2
 * @param failureThreshold consecutive failures after which the endpoint is
 * {@link EndpointState#DOWN} (circuit open); default 5
 * @param circuitCoolDown longest time between probe attempts while the circuit is open:
 * the first probe comes after the backoff in force when it opened, each further one after
 * twice the previous delay, up to this; default 30 seconds
 * @since 0.1.0
 */
public record ReconnectOptions(Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter,
		int failureThreshold, Duration circuitCoolDown) {

	/** Default initial backoff: 100 ms. */
	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

	/** Default multiplier: 1.6. */
	public static final double DEFAULT_MULTIPLIER = 1.6;

	/** Default maximum backoff: 10 seconds. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

	/** Default jitter: 0.2 (±20%). */
	public static final double DEFAULT_JITTER = 0.2;

	/** Default failure threshold: 5. */
	public static final int DEFAULT_FAILURE_THRESHOLD = 5;

	/** Default circuit cool-down: 30 seconds. */
	public static final Duration DEFAULT_CIRCUIT_COOL_DOWN = Duration.ofSeconds(30);

	/**
	 * Validate the options.
	 */
	public ReconnectOptions {
		Objects.requireNonNull(initialBackoff, "initialBackoff");
		Objects.requireNonNull(maxBackoff, "maxBackoff");
		Objects.requireNonNull(circuitCoolDown, "circuitCoolDown");
		ClientConfig.requirePositive("initialBackoff", initialBackoff);
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
		}
		if (maxBackoff.compareTo(initialBackoff) < 0) {
			throw new IllegalArgumentException(
					"maxBackoff must be at least initialBackoff (" + initialBackoff + "): " + maxBackoff);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
		}
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1: " + failureThreshold);
		}
		ClientConfig.requirePositive("circuitCoolDown", circuitCoolDown);
	}

	/**
	 * Return the defaults.
	 * @return the default options
	 */
	public static ReconnectOptions defaults() {
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
		builder.initialBackoff = this.initialBackoff;
		builder.multiplier = this.multiplier;
		builder.maxBackoff = this.maxBackoff;
		builder.jitter = this.jitter;
		builder.failureThreshold = this.failureThreshold;
		builder.circuitCoolDown = this.circuitCoolDown;
		return builder;
	}

	/**
	 * Builds {@link ReconnectOptions}; every value starts at its default.
	 */
	public static final class Builder {

		private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;

		private double multiplier = DEFAULT_MULTIPLIER;

		private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

		private double jitter = DEFAULT_JITTER;

		private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;

		private Duration circuitCoolDown = DEFAULT_CIRCUIT_COOL_DOWN;

		private Builder() {
		}

		/**
		 * @param initialBackoff delay after the first failure @return this builder
		 */
		public Builder initialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
			return this;
		}

		/**
		 * @param multiplier growth factor of the delay @return this builder
		 */
		public Builder multiplier(double multiplier) {
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * @param maxBackoff cap of the delay @return this builder
		 */
		public Builder maxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
			return this;
		}

		/**
		 * @param jitter random spread, 0 to 1 @return this builder
		 */
		public Builder jitter(double jitter) {
			this.jitter = jitter;
			return this;
		}

		/**
		 * @param failureThreshold failures before the circuit opens @return this builder
		 */
		public Builder failureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
			return this;
		}

		/**
		 * @param circuitCoolDown longest time between probes of an open circuit @return
		 * this builder
		 */
		public Builder circuitCoolDown(Duration circuitCoolDown) {
			this.circuitCoolDown = circuitCoolDown;
			return this;
		}

		/**
		 * Build and validate the options.
		 * @return the options
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public ReconnectOptions build() {
			return new ReconnectOptions(this.initialBackoff, this.multiplier, this.maxBackoff, this.jitter,
					this.failureThreshold, this.circuitCoolDown);
		}

	}

}
