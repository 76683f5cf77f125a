package dev.fastnet.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Server-wide account of unfinished frames: the bytes buffered for them across all
 * connections and, when these exceed the limit, the choice of the connection to close
 * (the one holding the largest). Also counts connections closed by the frame timeout.
 * Each kind of close is logged at most once a second, as a peer can cause many. Only
 * connections that end a read in the middle of a frame ever call it.
 */
final class PartialFrames {

	private static final Log logger = LogFactory.getLog(PartialFrames.class);

	private final long limit;

	private final long frameTimeoutNanos;

	private final ServerStats stats;

	private final Set<ServerFrameDecoder> holders = ConcurrentHashMap.newKeySet();

	private final AtomicLong lastLimitWarning = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));

	private final AtomicLong lastTimeoutWarning = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));

	PartialFrames(ServerConfig config, ServerStats stats) {
		this.limit = config.maxPartialFrameBytes();
		this.frameTimeoutNanos = config.frameTimeout().toNanos();
		this.stats = stats;
	}

	boolean isLimited() {
		return this.limit > 0;
	}

	long frameTimeoutNanos() {
		return this.frameTimeoutNanos;
	}

	/**
	 * A connection holds a first unfinished frame; it may be chosen to be closed from now
	 * on.
	 */
	void register(ServerFrameDecoder decoder) {
		this.holders.add(decoder);
	}

	void unregister(ServerFrameDecoder decoder) {
		this.holders.remove(decoder);
	}

	/**
	 * Account for a change of a connection's unfinished frame.
	 * @param delta bytes more (or fewer) buffered than before
	 */
	void add(long delta) {
		long total = this.stats.partialFrameBytes.addAndGet(delta);
		if (delta > 0 && total > this.limit) {
			closeLargest();
		}
	}

	/**
	 * Close connections, largest unfinished frame first, until the rest fit the limit.
	 * Runs only above the limit, so a scan of the connections holding unfinished frames
	 * is cheap enough, and serialised so that two event loops do not both close for the
	 * same excess.
	 */
	private synchronized void closeLargest() {
		long total = this.stats.partialFrameBytes.get();
		long excess = total - this.limit;
		for (ServerFrameDecoder holder : this.holders) {
			if (holder.isClosing()) {
				// Its bytes are given back as soon as its event loop closes it
				excess -= holder.bufferedBytes();
			}
		}
		while (excess > 0) {
			ServerFrameDecoder largest = null;
			for (ServerFrameDecoder holder : this.holders) {
				if (!holder.isClosing() && (largest == null || holder.bufferedBytes() > largest.bufferedBytes())) {
					largest = holder;
				}
			}
			if (largest == null || largest.bufferedBytes() == 0) {
				return;
			}
			int buffered = largest.bufferedBytes();
			largest.closeForLimit();
			excess -= buffered;
			this.stats.connectionsPartialFramesClosed.increment();
			if (RequestDispatcher.shouldLog(this.lastLimitWarning)) {
				logger.warn("Closing connection " + largest.remoteAddress() + ": its unfinished frame of " + buffered
						+ " bytes is the largest while unfinished frames hold " + total + " bytes, more than the "
						+ "limit of " + this.limit);
			}
		}
	}

	void timedOut(Channel channel, int bufferedBytes) {
		this.stats.connectionsFrameTimedOut.increment();
		if (RequestDispatcher.shouldLog(this.lastTimeoutWarning)) {
			logger.warn("Closing connection " + channel.remoteAddress() + ": a frame did not arrive within "
					+ TimeUnit.NANOSECONDS.toMillis(this.frameTimeoutNanos) + " ms (" + bufferedBytes
					+ " bytes of it arrived)");
		}
	}

}
