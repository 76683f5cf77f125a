package dev.fastnet.client;

/**
 * Every endpoint is in {@link EndpointState#BACKOFF} or {@link EndpointState#DOWN} (or
 * the endpoint list is empty): the call failed fast without trying to connect.
 *
 * @since 0.1.0
 */
public class NoEndpointAvailableException extends FastnetConnectException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the details, listing the endpoints and their states
	 */
	public NoEndpointAvailableException(String message) {
		super(message, null);
	}

}
