package dev.fastnet.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Decides when an endpoint may be dialled: at most one connect attempt in flight,
 * exponential backoff with jitter and a cap after each failure, and a circuit that opens
 * ({@link EndpointState#DOWN}) after consecutive failures. While it is open, calls go
 * elsewhere or fail fast, and one probe at a time is let through (half-open): the first
 * after the backoff in force, each further one after twice the previous delay, up to the
 * cool-down. It never dials by itself: the pool asks before each attempt (lazy
 * reconnect).
 * <p>
 * An attempt ends with {@link #succeeded()} (the connection answered its first frame) or
 * {@link #failed()} (connect error, or accepted then closed before answering).
 * Thread-safe; the failure count is only touched by the owner of the attempt in flight.
 */
final class ReconnectGovernor {

	private final ReconnectOptions options;

	private final LongSupplier nanoClock;

	private final DoubleSupplier random;

	private final AtomicBoolean attempting = new AtomicBoolean();

	private volatile EndpointState state = EndpointState.UP;

	private volatile long nextAttemptNanos;

	private volatile long stateChanges;

	private int consecutiveFailures;

	ReconnectGovernor(ReconnectOptions options, LongSupplier nanoClock, DoubleSupplier random) {
		this.options = options;
		this.nanoClock = nanoClock;
		this.random = random;
	}

	/**
	 * Start an attempt if none is in flight and the endpoint is not backing off.
	 * @return {@code true} when the caller owns the new attempt and must end it
	 */
	boolean tryBeginAttempt() {
		if (this.state != EndpointState.UP && this.nanoClock.getAsLong() - this.nextAttemptNanos < 0) {
			return false;
		}
		return this.attempting.compareAndSet(false, true);
	}

	/**
	 * Give up an attempt that was begun but not made (the pool turned out to be full).
	 */
	void cancelAttempt() {
		this.attempting.set(false);
	}

	/**
	 * The attempt in flight succeeded: the endpoint is {@link EndpointState#UP}.
	 */
	void succeeded() {
		this.consecutiveFailures = 0;
		moveTo(EndpointState.UP);
		this.attempting.set(false);
	}

	/**
	 * The attempt in flight failed: back off, or open the circuit after too many
	 * failures.
	 * @return the delay before the next attempt may start, in nanoseconds
	 */
	long failed() {
		int failures = ++this.consecutiveFailures;
		long delay;
		if (failures >= this.options.failureThreshold()) {
			delay = probeDelayNanos(failures - this.options.failureThreshold());
			moveTo(EndpointState.DOWN);
		}
		else {
			delay = backoffNanos(failures);
			moveTo(EndpointState.BACKOFF);
		}
		this.nextAttemptNanos = this.nanoClock.getAsLong() + delay;
		this.attempting.set(false);
		return delay;
	}

	/**
	 * Return the jittered delay after the given number of consecutive failures below the
	 * threshold.
	 */
	long backoffNanos(int failures) {
		double base = this.options.initialBackoff().toNanos()
				* Math.pow(this.options.multiplier(), Math.max(0, failures - 1));
		return jittered(Math.min(base, this.options.maxBackoff().toNanos()));
	}

	/**
	 * Return the jittered delay before a probe of an open circuit: the backoff in force
	 * when it opened, doubled after each failed probe, up to the cool-down. A server that
	 * comes back is found within about the time it was away rather than after the whole
	 * cool-down.
	 * @param failedProbes probes that failed since the circuit opened
	 */
	long probeDelayNanos(int failedProbes) {
		double first = Math.min(this.options.maxBackoff().toNanos(), this.options.initialBackoff().toNanos()
				* Math.pow(this.options.multiplier(), this.options.failureThreshold() - 1));
		double coolDown = this.options.circuitCoolDown().toNanos();
		return jittered(Math.min(coolDown, first * Math.pow(2, Math.min(failedProbes, 62))));
	}

	private long jittered(double nanos) {
		double spread = this.options.jitter() * (2 * this.random.getAsDouble() - 1);
		return Math.max(0, Math.round(nanos * (1 + spread)));
	}

	/**
	 * Return whether an attempt could start now.
	 * @return {@code true} when no attempt is in flight and the endpoint is not backing
	 * off
	 */
	boolean isAttemptDue() {
		return !this.attempting.get()
				&& (this.state == EndpointState.UP || this.nanoClock.getAsLong() - this.nextAttemptNanos >= 0);
	}

	/**
	 * Return whether an attempt is in flight.
	 * @return {@code true} while connecting
	 */
	boolean isAttempting() {
		return this.attempting.get();
	}

	/**
	 * Return the time until the next attempt may start.
	 * @return nanoseconds, 0 when it may start now
	 */
	long nanosUntilNextAttempt() {
		if (this.state == EndpointState.UP) {
			return 0;
		}
		return Math.max(0, this.nextAttemptNanos - this.nanoClock.getAsLong());
	}

	/**
	 * Close the circuit by hand: forget the failures and let the next call connect at
	 * once. Event loop of the endpoint only, like {@link #failed()}.
	 */
	void reset() {
		this.consecutiveFailures = 0;
		this.nextAttemptNanos = this.nanoClock.getAsLong();
		moveTo(EndpointState.UP);
	}

	private void moveTo(EndpointState next) {
		if (this.state != next) {
			this.state = next;
			// Single writer (the endpoint's event loop); readers only need a recent value
			this.stateChanges++;
		}
	}

	EndpointState state() {
		return this.state;
	}

	long stateChanges() {
		return this.stateChanges;
	}

	int consecutiveFailures() {
		return this.consecutiveFailures;
	}

}
