package dev.fastnet.spring.boot.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import dev.fastnet.transport.SocketOptions;

import org.springframework.boot.convert.DurationUnit;

/**
 * Socket options of a fastnet server's listening address and its connections.
 *
 * @since 0.1.0
 */
public class FastnetServerSocketProperties extends FastnetSocketProperties {

	/**
	 * Length of the accept queue (SO_BACKLOG); with TCP fast open, also the queue of
	 * connections that sent data in their SYN.
	 */
	private int backlog = 1024;

	/**
	 * Server channels bound to the port with SO_REUSEPORT, each accepting on an event
	 * loop of its own. More than 1 needs transport epoll or io_uring.
	 */
	private int acceptors = 1;

	/**
	 * Accept a connection only once data arrived on it or this time passed
	 * (TCP_DEFER_ACCEPT). 0 accepts at once. Needs transport epoll or io_uring.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration tcpDeferAccept = Duration.ZERO;

	public int getBacklog() {
		return this.backlog;
	}

	public void setBacklog(int backlog) {
		this.backlog = backlog;
	}

	public int getAcceptors() {
		return this.acceptors;
	}

	public void setAcceptors(int acceptors) {
		this.acceptors = acceptors;
	}

	public Duration getTcpDeferAccept() {
		return this.tcpDeferAccept;
	}

	public void setTcpDeferAccept(Duration tcpDeferAccept) {
		this.tcpDeferAccept = tcpDeferAccept;
	}

	@Override
	SocketOptions.Builder toBuilder() {
		return super.toBuilder().backlog(this.backlog).acceptors(this.acceptors).tcpDeferAccept(this.tcpDeferAccept);
	}

}
