package dev.fastnet.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport that carries fastnet's TCP connections.
 *
 * @since 0.1.0
 */
public enum Transport {

	/** Epoll when the native library loads, NIO otherwise. */
	AUTO,

	/** Linux epoll; fails at start when unavailable. */
	EPOLL,

	/** Java NIO, available everywhere. */
	NIO;

	/**
	 * Resolve {@link #AUTO} to the transport this JVM supports.
	 * @return {@link #EPOLL} or {@link #NIO}
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
			case NIO -> NIO;
		};
	}

	/**
	 * Create an event-loop group of this (resolved) transport with named daemon or non-daemon
	 * threads.
	 * @param threads the number of threads, 0 for Netty's default (twice the cores)
	 * @param threadNamePrefix prefix of the thread names
	 * @param daemon whether the threads are daemons
	 * @return the group; the caller shuts it down
	 */
	public EventLoopGroup newEventLoopGroup(int threads, String threadNamePrefix, boolean daemon) {
		IoHandlerFactory factory = (resolve() == EPOLL) ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, daemon), factory);
	}

	/**
	 * Return the server channel class of this (resolved) transport.
	 * @return the class
	 */
	public Class<? extends ServerChannel> serverChannelClass() {
		return (resolve() == EPOLL) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
	}

	/**
	 * Return the client channel class of this (resolved) transport.
	 * @return the class
	 */
	public Class<? extends SocketChannel> channelClass() {
		return (resolve() == EPOLL) ? EpollSocketChannel.class : NioSocketChannel.class;
	}

}
