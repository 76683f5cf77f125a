package dev.fastnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The Netty transport that carries fastnet's TCP connections.
 *
 * @since 0.1.0
 */
public enum Transport {

	/**
	 * Epoll when the native library loads, NIO otherwise. io_uring is never picked by
	 * itself: it has not been measured against epoll with fastnet yet, and container
	 * runtimes often forbid it.
	 */
	AUTO,

	/** Linux epoll; fails at start when unavailable (the native jar is missing). */
	EPOLL,

	/**
	 * Linux io_uring; when the native library is missing or the kernel refuses io_uring
	 * (too old, or forbidden by a seccomp profile), fastnet logs a warning naming the
	 * cause and uses what {@link #AUTO} would.
	 */
	IO_URING,

	/** Java NIO, available everywhere. */
	NIO;

	private static final Log logger = LogFactory.getLog(Transport.class);

	/**
	 * Resolve {@link #AUTO} and an unavailable {@link #IO_URING} to the transport this
	 * JVM supports.
	 * @return {@link #EPOLL}, {@link #IO_URING} or {@link #NIO}
	 * @throws IllegalStateException when epoll is requested but unavailable
	 */
	public Transport resolve() {
		return switch (this) {
			case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
			case EPOLL -> {
				if (!Epoll.isAvailable()) {
					throw new IllegalStateException("Transport EPOLL is not available: " + Epoll.unavailabilityCause());
				}
				yield EPOLL;
			}
			case IO_URING -> {
				if (IoUring.isAvailable()) {
					yield IO_URING;
				}
				Transport fallback = AUTO.resolve();
				logger.warn("Transport IO_URING is not available, using " + fallback + " instead: "
						+ IoUring.unavailabilityCause());
				yield fallback;
			}
			case NIO -> NIO;
		};
	}

	/**
	 * Return whether this (resolved) transport is one of Linux's native ones, which take
	 * SO_REUSEPORT, TCP_FASTOPEN and TCP_DEFER_ACCEPT.
	 * @return whether epoll or io_uring
	 */
	public boolean isNative() {
		Transport resolved = resolve();
		return resolved == EPOLL || resolved == IO_URING;
	}

	/**
	 * Create an event-loop group of this (resolved) transport with named daemon or
	 * non-daemon threads.
	 * @param threads the number of threads, 0 for Netty's default (twice the cores)
	 * @param threadNamePrefix prefix of the thread names
	 * @param daemon whether the threads are daemons
	 * @return the group; the caller shuts it down
	 */
	public EventLoopGroup newEventLoopGroup(int threads, String threadNamePrefix, boolean daemon) {
		IoHandlerFactory factory = switch (resolve()) {
			case EPOLL -> EpollIoHandler.newFactory();
			case IO_URING -> IoUringIoHandler.newFactory();
			default -> NioIoHandler.newFactory();
		};
		return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, daemon), factory);
	}

	/**
	 * Return the server channel class of this (resolved) transport.
	 * @return the class
	 */
	public Class<? extends ServerChannel> serverChannelClass() {
		return switch (resolve()) {
			case EPOLL -> EpollServerSocketChannel.class;
			case IO_URING -> IoUringServerSocketChannel.class;
			default -> NioServerSocketChannel.class;
		};
	}

	/**
	 * Return the client channel class of this (resolved) transport.
	 * @return the class
	 */
	public Class<? extends SocketChannel> channelClass() {
		return switch (resolve()) {
			case EPOLL -> EpollSocketChannel.class;
			case IO_URING -> IoUringSocketChannel.class;
			default -> NioSocketChannel.class;
		};
	}

	/**
	 * Return the datagram channel class of this (resolved) transport.
	 * @return the class
	 */
	public Class<? extends DatagramChannel> datagramChannelClass() {
		return switch (resolve()) {
			case EPOLL -> EpollDatagramChannel.class;
			case IO_URING -> IoUringDatagramChannel.class;
			default -> NioDatagramChannel.class;
		};
	}

	/**
	 * Set the socket options on a server bootstrap of this (resolved) transport: the
	 * accept-side ones on the listening channel, the others on every accepted connection.
	 * @param bootstrap the bootstrap
	 * @param options the options
	 * @throws IllegalStateException when an option needs a native transport and this is
	 * NIO
	 */
	public void configure(ServerBootstrap bootstrap, SocketOptions options) {
		requireNativeIfNeeded(options);
		bootstrap.option(ChannelOption.SO_BACKLOG, options.backlog())
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, options.tcpNoDelay())
			.childOption(ChannelOption.SO_KEEPALIVE, options.keepAlive());
		if (options.sendBufferSize() > 0) {
			bootstrap.childOption(ChannelOption.SO_SNDBUF, options.sendBufferSize());
		}
		if (options.receiveBufferSize() > 0) {
			// On the listening socket too: a window above 64 KiB must be set before the
			// handshake
			bootstrap.option(ChannelOption.SO_RCVBUF, options.receiveBufferSize())
				.childOption(ChannelOption.SO_RCVBUF, options.receiveBufferSize());
		}
		if (options.acceptors() > 1) {
			bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
		}
		if (options.tcpFastOpen()) {
			bootstrap.option(ChannelOption.TCP_FASTOPEN, options.backlog());
		}
		if (!options.tcpDeferAccept().isZero()) {
			int seconds = (int) Math.max(1, options.tcpDeferAccept().toSeconds());
			bootstrap.option(
					(resolve() == EPOLL) ? EpollChannelOption.TCP_DEFER_ACCEPT : IoUringChannelOption.TCP_DEFER_ACCEPT,
					seconds);
		}
	}

	/**
	 * Set the socket options that apply to a client's connections on a bootstrap of this
	 * (resolved) transport.
	 * @param bootstrap the bootstrap
	 * @param options the options; the accept-side ones are ignored
	 * @throws IllegalStateException when TCP fast open is asked for and this is NIO
	 */
	public void configure(Bootstrap bootstrap, SocketOptions options) {
		if (options.tcpFastOpen() && !isNative()) {
			throw new IllegalStateException(
					"Socket option tcpFastOpen needs transport EPOLL or IO_URING, not " + resolve());
		}
		bootstrap.option(ChannelOption.TCP_NODELAY, options.tcpNoDelay())
			.option(ChannelOption.SO_KEEPALIVE, options.keepAlive());
		if (options.sendBufferSize() > 0) {
			bootstrap.option(ChannelOption.SO_SNDBUF, options.sendBufferSize());
		}
		if (options.receiveBufferSize() > 0) {
			bootstrap.option(ChannelOption.SO_RCVBUF, options.receiveBufferSize());
		}
		if (options.tcpFastOpen()) {
			bootstrap.option(ChannelOption.TCP_FASTOPEN_CONNECT, true);
		}
	}

	private void requireNativeIfNeeded(SocketOptions options) {
		if (options.needsNativeTransport() && !isNative()) {
			String option = (options.acceptors() > 1) ? "acceptors > 1 (SO_REUSEPORT)"
					: options.tcpFastOpen() ? "tcpFastOpen" : "tcpDeferAccept";
			throw new IllegalStateException(
					"Socket option " + option + " needs transport EPOLL or IO_URING, not " + resolve());
		}
	}

}
