package dev.fastnet.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on request payloads a client keeps after writing them, so that a request a
 * draining server refuses (503 after GOAWAY), or one written on a connection that proves
 * stale, can be sent again; as gRPC's retry buffer, a request whose payload does not fit
 * is not kept and its failure reaches the caller. Without a bound the client would hold
 * every payload in flight until its answer.
 * <p>
 * Each event loop accounts on a {@link Lane} of its own and takes room from the shared
 * capacity in chunks, so that keeping and releasing a payload is usually a plain field
 * update rather than a contended atomic one; the chunks a lane holds count against the
 * capacity, so the bound is exact.
 */
final class ResendBuffer {

	/** Largest piece of the capacity a lane takes or gives back at once. */
	private static final long MAX_CHUNK = 64 * 1024;

	private final AtomicLong available;

	private final long chunk;

	/**
	 * Create a buffer.
	 * @param capacity payload bytes that may be kept at once, 0 to keep none
	 * @param lanes how many lanes will share it, to size their chunks
	 */
	ResendBuffer(long capacity, int lanes) {
		this.available = new AtomicLong(capacity);
		// Small enough that the lanes' spare chunks leave most of the capacity shareable
		this.chunk = Math.max(1, Math.min(MAX_CHUNK, capacity / (4L * Math.max(1, lanes))));
	}

	/**
	 * Return a new lane; each lane must be used by one thread at a time.
	 */
	Lane newLane() {
		return new Lane();
	}

	private boolean take(long bytes) {
		for (;;) {
			long available = this.available.get();
			if (available < bytes) {
				return false;
			}
			if (this.available.compareAndSet(available, available - bytes)) {
				return true;
			}
		}
	}

	/**
	 * Bytes of the capacity that no lane holds.
	 */
	long available() {
		return this.available.get();
	}

	/**
	 * One event loop's share of the buffer; not thread-safe.
	 */
	final class Lane {

		private long held;

		private long used;

		/**
		 * Make room for a payload.
		 * @param bytes its size
		 * @return {@code true} when it may be kept; release the same size later
		 */
		boolean tryKeep(int bytes) {
			long missing = this.used + bytes - this.held;
			if (missing > 0) {
				long wanted = Math.max(missing, ResendBuffer.this.chunk);
				if (take(wanted)) {
					this.held += wanted;
				}
				else if (wanted != missing && take(missing)) {
					this.held += missing;
				}
				else {
					return false;
				}
			}
			this.used += bytes;
			return true;
		}

		/**
		 * Free the room of a payload no longer kept.
		 * @param bytes the size given to {@link #tryKeep(int)}
		 */
		void release(int bytes) {
			this.used -= bytes;
			long spare = this.held - this.used;
			long chunk = ResendBuffer.this.chunk;
			if (spare > 2 * chunk) {
				// Keep one chunk for the next payloads, give the rest back to the other
				// lanes
				long returned = spare - chunk;
				this.held -= returned;
				ResendBuffer.this.available.addAndGet(returned);
			}
		}

		/**
		 * Bytes kept through this lane.
		 */
		long used() {
			return this.used;
		}

	}

}
