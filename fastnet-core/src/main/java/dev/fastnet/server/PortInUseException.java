package dev.fastnet.server;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * The server could not bind because its port is taken.
 *
 * @since 0.1.0
 */
public class PortInUseException extends FastnetException {

	private static final long serialVersionUID = 1L;

	private final int port;

	/**
	 * Create an exception.
	 * @param port the port
	 * @param cause the bind failure
	 */
	public PortInUseException(int port, Throwable cause) {
		super(Status.UNAVAILABLE.code(), "Port " + port + " is already in use", cause);
		this.port = port;
	}

	/**
	 * Return the port that was in use.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

}
