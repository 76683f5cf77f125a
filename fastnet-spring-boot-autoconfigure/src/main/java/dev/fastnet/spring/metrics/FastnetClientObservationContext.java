package dev.fastnet.spring.metrics;

import java.util.Map;

import io.micrometer.observation.transport.SenderContext;

/**
 * Observation context of one request sent by a fastnet client; trace context is written
 * into the request's headers ({@code traceparent}, {@code tracestate}).
 *
 * @since 0.1.0
 */
public class FastnetClientObservationContext extends SenderContext<Map<String, String>> {

	private final String clientName;

	private final String route;

	private int status = FastnetServerObservationContext.UNFINISHED;

	/**
	 * Create a context.
	 * @param clientName the client's name
	 * @param route the route
	 * @param headers the request's outgoing headers, to which trace context is added
	 */
	@SuppressWarnings("this-escape")
	public FastnetClientObservationContext(String clientName, String route, Map<String, String> headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.clientName = clientName;
		this.route = route;
		// Escapes 'this' before a subclass is initialized, harmlessly: setCarrier is
		// Micrometer's plain setter, with nothing for a subclass to override
		setCarrier(headers);
	}

	/**
	 * Return the client's name.
	 * @return the name
	 */
	public String getClientName() {
		return this.clientName;
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
	 * @return the status, or {@link FastnetServerObservationContext#UNFINISHED}
	 */
	public int getStatus() {
		return this.status;
	}

	void setStatus(int status) {
		this.status = status;
	}

}
