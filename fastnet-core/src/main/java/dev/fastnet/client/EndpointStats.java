package dev.fastnet.client;

import java.net.InetSocketAddress;

/**
 * A snapshot of one endpoint's figures, read from lock-free counters. Counts are totals
 * since the endpoint was added; the others are the values at the time of the snapshot.
 *
 * @param address the endpoint
 * @param state the governor's state
 * @param open connections open, including retired ones still finishing their requests
 * @param idle open connections without calls in flight
 * @param inUse open connections with calls in flight
 * @param pendingAcquires calls waiting for a connection
 * @param inFlight calls in flight on the endpoint's connections
 * @param requestsOk requests answered with a RESPONSE
 * @param requestsFailed requests that failed other than by timing out (ERROR answers,
 * closed connections, pool limits)
 * @param requestsTimedOut requests that timed out
 * @param connectAttempts connect attempts made
 * @param connectFailures connect attempts that failed, including connections accepted and
 * closed before answering anything
 * @param connectionsEvicted connections closed by the pool: idle beyond the maximum idle
 * time, unanswered PING, or errors
 * @param acquireTimeTotalNanos time calls spent waiting in the pool for a connection,
 * summed, in nanoseconds (a call that takes a free slot at once adds nothing)
 * @param acquireCount acquisitions measured in {@code acquireTimeTotalNanos}
 * @param lateResponses answers that arrived after their request had timed out (dropped)
 * @param unknownResponses answers with an id that was never in flight (dropped)
 * @param stateChanges times the endpoint's state changed (UP, BACKOFF, DOWN)
 * @since 0.1.0
 */
public record EndpointStats(InetSocketAddress address, EndpointState state, int open, int idle, int inUse,
		int pendingAcquires, int inFlight, long requestsOk, long requestsFailed, long requestsTimedOut,
		long connectAttempts, long connectFailures, long connectionsEvicted, long acquireTimeTotalNanos,
		long acquireCount, long lateResponses, long unknownResponses, long stateChanges) {

	/**
	 * Return the mean time a call spent acquiring a connection.
	 * @return nanoseconds, 0 when nothing was acquired
	 */
	public long meanAcquireNanos() {
		return (this.acquireCount != 0) ? this.acquireTimeTotalNanos / this.acquireCount : 0;
	}

}
