package dev.fastnet.client;

/**
 * Health of one endpoint as seen by the client's reconnect governor.
 *
 * @since 0.1.0
 */
public enum EndpointState {

	/** Connects succeed, or nothing has failed yet; the balancer uses it. */
	UP,

	/**
	 * The last connect attempt failed; no attempt is made until the backoff delay has
	 * passed and the balancer skips the endpoint.
	 */
	BACKOFF,

	/**
	 * Too many consecutive connect attempts failed: the circuit is open and calls fail
	 * fast. Probe attempts are made one at a time (half-open), at growing intervals up to
	 * the cool-down; the first that succeeds brings the endpoint back {@link #UP}.
	 */
	DOWN

}
