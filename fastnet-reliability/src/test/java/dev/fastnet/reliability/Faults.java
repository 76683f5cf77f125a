package dev.fastnet.reliability;

import java.time.Duration;

/**
 * The faults a {@link FaultProxy} applies to a connection, immutable: each method returns
 * a copy with one more fault. Delays of latency, slicing and bandwidth add up; a frozen
 * or blackholed connection forwards nothing.
 *
 * @param latencyNanos delay added to every chunk, in nanoseconds
 * @param jitterNanos random extra delay of up to this many nanoseconds per read
 * @param bytesPerSecond forwarding rate per direction, 0 for no limit
 * @param chunkSize bytes forwarded at once, 0 to forward reads whole
 * @param chunkDelayNanos delay between two chunks, in nanoseconds
 * @param blackholed whether data is read and discarded, and the connection never closed
 * @param dataLimit bytes forwarded in both directions together before the connection
 * closes, negative for no limit
 * @param frozen whether nothing is forwarded and nothing read, without closing
 */
public record Faults(long latencyNanos, long jitterNanos, long bytesPerSecond, int chunkSize, long chunkDelayNanos,
		boolean blackholed, long dataLimit, boolean frozen) {

	private static final Faults NONE = new Faults(0, 0, 0, 0, 0, false, -1, false);

	/**
	 * Return no faults: bytes are forwarded as they arrive.
	 * @return the faults
	 */
	public static Faults none() {
		return NONE;
	}

	/**
	 * Delay every chunk by a base time plus a random part.
	 * @param base the delay every chunk gets
	 * @param jitter the most a read is delayed beyond the base
	 * @return the faults with that latency
	 */
	public Faults latency(Duration base, Duration jitter) {
		return new Faults(base.toNanos(), jitter.toNanos(), this.bytesPerSecond, this.chunkSize, this.chunkDelayNanos,
				this.blackholed, this.dataLimit, this.frozen);
	}

	/**
	 * Forward at most this many bytes per second in each direction.
	 * @param bytesPerSecond the rate
	 * @return the faults with that bandwidth
	 */
	public Faults bandwidth(long bytesPerSecond) {
		return new Faults(this.latencyNanos, this.jitterNanos, bytesPerSecond, this.chunkSize, this.chunkDelayNanos,
				this.blackholed, this.dataLimit, this.frozen);
	}

	/**
	 * Forward in chunks of this size with a delay between two: partial frames, slowloris.
	 * @param chunkSize bytes per chunk
	 * @param delay time between two chunks
	 * @return the faults with that slicing
	 */
	public Faults slicer(int chunkSize, Duration delay) {
		return new Faults(this.latencyNanos, this.jitterNanos, this.bytesPerSecond, chunkSize, delay.toNanos(),
				this.blackholed, this.dataLimit, this.frozen);
	}

	/**
	 * Read and discard everything, and never close.
	 * @return the faults with a blackhole
	 */
	public Faults blackhole() {
		return new Faults(this.latencyNanos, this.jitterNanos, this.bytesPerSecond, this.chunkSize,
				this.chunkDelayNanos, true, this.dataLimit, this.frozen);
	}

	/**
	 * Close the connection once this many bytes were forwarded, both directions together.
	 * @param bytes the limit
	 * @return the faults with that limit
	 */
	public Faults limitData(long bytes) {
		return new Faults(this.latencyNanos, this.jitterNanos, this.bytesPerSecond, this.chunkSize,
				this.chunkDelayNanos, this.blackholed, bytes, this.frozen);
	}

	/**
	 * Stop forwarding and reading in both directions without closing: a silent partition.
	 * @return the faults with the connection frozen
	 */
	public Faults freeze() {
		return new Faults(this.latencyNanos, this.jitterNanos, this.bytesPerSecond, this.chunkSize,
				this.chunkDelayNanos, this.blackholed, this.dataLimit, true);
	}

	boolean shapes() {
		return this.latencyNanos > 0 || this.jitterNanos > 0 || this.bytesPerSecond > 0 || this.chunkSize > 0;
	}

}
