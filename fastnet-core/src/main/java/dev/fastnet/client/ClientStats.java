package dev.fastnet.client;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A snapshot of a client's figures: one {@link EndpointStats} per current endpoint, and
 * totals.
 *
 * @param endpoints the endpoints' figures, in configuration order
 * @param rejected calls that failed before reaching an endpoint (no endpoint available,
 * client closed)
 * @since 0.1.0
 */
public record ClientStats(List<EndpointStats> endpoints, long rejected) {

	/**
	 * Create a snapshot.
	 * @param endpoints the endpoints' figures; copied
	 * @param rejected calls that failed before reaching an endpoint
	 */
	public ClientStats {
		endpoints = List.copyOf(endpoints);
	}

	/**
	 * Return the connections open on all endpoints.
	 * @return the total
	 */
	public int open() {
		return (int) sum(EndpointStats::open);
	}

	/**
	 * Return the idle connections of all endpoints.
	 * @return the total
	 */
	public int idle() {
		return (int) sum(EndpointStats::idle);
	}

	/**
	 * Return the connections in use on all endpoints.
	 * @return the total
	 */
	public int inUse() {
		return (int) sum(EndpointStats::inUse);
	}

	/**
	 * Return the calls waiting for a connection on all endpoints.
	 * @return the total
	 */
	public int pendingAcquires() {
		return (int) sum(EndpointStats::pendingAcquires);
	}

	/**
	 * Return the calls in flight on all endpoints.
	 * @return the total
	 */
	public int inFlight() {
		return (int) sum(EndpointStats::inFlight);
	}

	/**
	 * Return the requests answered with a RESPONSE on all endpoints.
	 * @return the total
	 */
	public long requestsOk() {
		return sum(EndpointStats::requestsOk);
	}

	/**
	 * Return the requests that failed other than by timing out on all endpoints.
	 * @return the total
	 */
	public long requestsFailed() {
		return sum(EndpointStats::requestsFailed);
	}

	/**
	 * Return the requests that timed out on all endpoints.
	 * @return the total
	 */
	public long requestsTimedOut() {
		return sum(EndpointStats::requestsTimedOut);
	}

	/**
	 * Return the connect attempts made to all endpoints.
	 * @return the total
	 */
	public long connectAttempts() {
		return sum(EndpointStats::connectAttempts);
	}

	/**
	 * Return the failed connect attempts to all endpoints.
	 * @return the total
	 */
	public long connectFailures() {
		return sum(EndpointStats::connectFailures);
	}

	private long sum(ToLongFunction<EndpointStats> figure) {
		long total = 0;
		for (EndpointStats endpoint : this.endpoints) {
			total += figure.applyAsLong(endpoint);
		}
		return total;
	}

}
