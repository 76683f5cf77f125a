package dev.fastnet.spring.boot.autoconfigure;

import dev.fastnet.transport.SocketOptions;

import org.springframework.util.unit.DataSize;

/**
 * Socket options of a fastnet client's connections; {@link FastnetServerSocketProperties}
 * adds the accept-side ones of a server.
 *
 * @since 0.1.0
 */
public class FastnetSocketProperties {

	/**
	 * Whether small writes leave at once (TCP_NODELAY).
	 */
	private boolean tcpNoDelay = true;

	/**
	 * Whether the kernel probes idle connections (SO_KEEPALIVE).
	 */
	private boolean keepAlive = true;

	/**
	 * Kernel send buffer per connection (SO_SNDBUF). 0 leaves the operating system's
	 * default and autotuning.
	 */
	private DataSize sendBufferSize = DataSize.ofBytes(0);

	/**
	 * Kernel receive buffer per connection (SO_RCVBUF). 0 leaves the operating system's
	 * default and autotuning.
	 */
	private DataSize receiveBufferSize = DataSize.ofBytes(0);

	/**
	 * Whether data may travel in the SYN (TCP fast open). Needs transport epoll or
	 * io_uring.
	 */
	private boolean tcpFastOpen;

	public boolean isTcpNoDelay() {
		return this.tcpNoDelay;
	}

	public void setTcpNoDelay(boolean tcpNoDelay) {
		this.tcpNoDelay = tcpNoDelay;
	}

	public boolean isKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	public DataSize getSendBufferSize() {
		return this.sendBufferSize;
	}

	public void setSendBufferSize(DataSize sendBufferSize) {
		this.sendBufferSize = sendBufferSize;
	}

	public DataSize getReceiveBufferSize() {
		return this.receiveBufferSize;
	}

	public void setReceiveBufferSize(DataSize receiveBufferSize) {
		this.receiveBufferSize = receiveBufferSize;
	}

	public boolean isTcpFastOpen() {
		return this.tcpFastOpen;
	}

	public void setTcpFastOpen(boolean tcpFastOpen) {
		this.tcpFastOpen = tcpFastOpen;
	}

	/**
	 * Convert to the core options.
	 * @return the options
	 */
	public SocketOptions toOptions() {
		return toBuilder().build();
	}

	SocketOptions.Builder toBuilder() {
		return SocketOptions.builder()
			.tcpNoDelay(this.tcpNoDelay)
			.keepAlive(this.keepAlive)
			.sendBufferSize((int) Math.min(Integer.MAX_VALUE, this.sendBufferSize.toBytes()))
			.receiveBufferSize((int) Math.min(Integer.MAX_VALUE, this.receiveBufferSize.toBytes()))
			.tcpFastOpen(this.tcpFastOpen);
	}

}
