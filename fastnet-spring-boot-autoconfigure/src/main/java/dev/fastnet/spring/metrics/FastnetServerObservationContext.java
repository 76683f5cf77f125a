package dev.fastnet.spring.metrics;

import java.util.Map;

import io.micrometer.observation.transport.ReceiverContext;

/**
 * Observation context of one request received by a fastnet server; trace context is read
 * from the request's headers ({@code traceparent}, {@code tracestate}).
 *
 * @since 0.1.0
 */
public class FastnetServerObservationContext extends ReceiverContext<Map<String, String>> {

	/** Status of a request that has not finished yet. */
	public static final int UNFINISHED = -1;

	private final String route;

	private int status = UNFINISHED;

	/**
	 * Create a context.
	 * @param route the route, or {@code UNKNOWN}
	 * @param headers the request's headers
	 */
	@SuppressWarnings("this-escape")
	public FastnetServerObservationContext(String route, Map<String, String> headers) {
		super((carrier, key) -> carrier.get(key));
		this.route = route;
		// Escapes 'this' before a subclass is initialized, harmlessly: setCarrier is
		// Micrometer's plain setter, with nothing for a subclass to override
		setCarrier(headers);
	}

	/**
	 * Return the route.
	 * @return the route
	 */
	public String getRoute() {
		return this.route;
	}

	/**
	 * Return the status reported when the request finished.
	 * @return the status, as reported to
	 * {@link dev.fastnet.metrics.FastnetMetricsRecorder}, or {@link #UNFINISHED}
	 */
	public int getStatus() {
		return this.status;
	}

	void setStatus(int status) {
		this.status = status;
	}

}
