package dev.fastnet.spring.context;

import dev.fastnet.server.FastnetServer;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a fastnet server has bound its port and accepts connections.
 *
 * @since 0.1.0
 */
public class FastnetServerStartedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final int port;

	/**
	 * Create an event.
	 * @param server the server
	 * @param port the bound port
	 */
	public FastnetServerStartedEvent(FastnetServer server, int port) {
		super(server);
		this.port = port;
	}

	/**
	 * Return the server.
	 * @return the server
	 */
	public FastnetServer getServer() {
		return (FastnetServer) getSource();
	}

	/**
	 * Return the bound port.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

}
