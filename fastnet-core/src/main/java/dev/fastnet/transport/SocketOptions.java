package dev.fastnet.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable socket options of a server's listening address or of a client's connections.
 * The accept-side options ({@code backlog}, {@code acceptors}, {@code tcpDeferAccept})
 * apply to servers only; clients ignore them.
 *
 * <pre>{@code
 * SocketOptions socket = SocketOptions.builder().acceptors(2).tcpFastOpen(true).build();
 * }</pre>
 *
 * @param tcpNoDelay whether small writes leave at once (TCP_NODELAY); default
 * {@code true}
 * @param keepAlive whether the kernel probes idle connections (SO_KEEPALIVE); default
 * {@code true}
 * @param sendBufferSize kernel send buffer per connection in bytes (SO_SNDBUF), 0 for the
 * operating system's default and autotuning; default 0
 * @param receiveBufferSize kernel receive buffer per connection in bytes (SO_RCVBUF), 0
 * for the operating system's default and autotuning; default 0
 * @param backlog length of the accept queue (SO_BACKLOG); default 1024
 * @param acceptors server channels bound to the same port with SO_REUSEPORT, each
 * accepting on an event loop of its own, so that the kernel spreads new connections over
 * them; more than 1 needs epoll or io_uring; default 1
 * @param tcpFastOpen whether data may travel in the SYN (TCP_FASTOPEN, with the backlog
 * as the server's queue of such connections; TCP_FASTOPEN_CONNECT for clients); epoll or
 * io_uring only; default {@code false}
 * @param tcpDeferAccept a server accepts a connection only once data arrived on it or
 * this time passed (TCP_DEFER_ACCEPT, whole seconds), zero for at once; epoll or io_uring
 * only; default zero
 * @since 0.1.0
 */
public record SocketOptions(boolean tcpNoDelay, boolean keepAlive, int sendBufferSize, int receiveBufferSize,
		int backlog, int acceptors, boolean tcpFastOpen, Duration tcpDeferAccept) {

	/** Default accept queue length: 1024. */
	public static final int DEFAULT_BACKLOG = 1024;

	/**
	 * Validate the options.
	 */
	public SocketOptions {
		Objects.requireNonNull(tcpDeferAccept, "tcpDeferAccept");
		if (sendBufferSize < 0) {
			throw new IllegalArgumentException(
					"sendBufferSize must be between 0 and " + Integer.MAX_VALUE + ": " + sendBufferSize);
		}
		if (receiveBufferSize < 0) {
			throw new IllegalArgumentException(
					"receiveBufferSize must be between 0 and " + Integer.MAX_VALUE + ": " + receiveBufferSize);
		}
		if (backlog < 1) {
			throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
		}
		if (acceptors < 1 || acceptors > 256) {
			throw new IllegalArgumentException("acceptors must be between 1 and 256: " + acceptors);
		}
		if (tcpDeferAccept.isNegative() || tcpDeferAccept.toSeconds() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"tcpDeferAccept must be between 0 and " + Integer.MAX_VALUE + " seconds: " + tcpDeferAccept);
		}
	}

	/**
	 * Return the defaults.
	 * @return the default options
	 */
	public static SocketOptions defaults() {
		return builder().build();
	}

	/**
	 * Return a builder with the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return whether any option needs a native transport (epoll or io_uring).
	 * @return whether acceptors, TCP fast open or deferred accept are asked for
	 */
	public boolean needsNativeTransport() {
		return this.acceptors > 1 || this.tcpFastOpen || !this.tcpDeferAccept.isZero();
	}

	/**
	 * Return a builder initialised from these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.tcpNoDelay = this.tcpNoDelay;
		builder.keepAlive = this.keepAlive;
		builder.sendBufferSize = this.sendBufferSize;
		builder.receiveBufferSize = this.receiveBufferSize;
		builder.backlog = this.backlog;
		builder.acceptors = this.acceptors;
		builder.tcpFastOpen = this.tcpFastOpen;
		builder.tcpDeferAccept = this.tcpDeferAccept;
		return builder;
	}

	/**
	 * Builds {@link SocketOptions}; every value starts at its default.
	 */
	public static final class Builder {

		private boolean tcpNoDelay = true;

		private boolean keepAlive = true;

		private int sendBufferSize;

		private int receiveBufferSize;

		private int backlog = DEFAULT_BACKLOG;

		private int acceptors = 1;

		private boolean tcpFastOpen;

		private Duration tcpDeferAccept = Duration.ZERO;

		private Builder() {
		}

		/**
		 * @param tcpNoDelay whether to set TCP_NODELAY @return this builder
		 */
		public Builder tcpNoDelay(boolean tcpNoDelay) {
			this.tcpNoDelay = tcpNoDelay;
			return this;
		}

		/**
		 * @param keepAlive whether to set SO_KEEPALIVE @return this builder
		 */
		public Builder keepAlive(boolean keepAlive) {
			this.keepAlive = keepAlive;
			return this;
		}

		/**
		 * @param sendBufferSize SO_SNDBUF in bytes, 0 for the default @return this
		 * builder
		 */
		public Builder sendBufferSize(int sendBufferSize) {
			this.sendBufferSize = sendBufferSize;
			return this;
		}

		/**
		 * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the default @return this
		 * builder
		 */
		public Builder receiveBufferSize(int receiveBufferSize) {
			this.receiveBufferSize = receiveBufferSize;
			return this;
		}

		/**
		 * @param backlog accept queue length @return this builder
		 */
		public Builder backlog(int backlog) {
			this.backlog = backlog;
			return this;
		}

		/**
		 * @param acceptors server channels bound with SO_REUSEPORT @return this builder
		 */
		public Builder acceptors(int acceptors) {
			this.acceptors = acceptors;
			return this;
		}

		/**
		 * @param tcpFastOpen whether to use TCP fast open @return this builder
		 */
		public Builder tcpFastOpen(boolean tcpFastOpen) {
			this.tcpFastOpen = tcpFastOpen;
			return this;
		}

		/**
		 * @param tcpDeferAccept TCP_DEFER_ACCEPT, zero for off @return this builder
		 */
		public Builder tcpDeferAccept(Duration tcpDeferAccept) {
			this.tcpDeferAccept = tcpDeferAccept;
			return this;
		}

		/**
		 * Build and validate the options.
		 * @return the options
		 * @throws IllegalArgumentException naming the first invalid option
		 */
		public SocketOptions build() {
			return new SocketOptions(this.tcpNoDelay, this.keepAlive, this.sendBufferSize, this.receiveBufferSize,
					this.backlog, this.acceptors, this.tcpFastOpen, this.tcpDeferAccept);
		}

	}

}
