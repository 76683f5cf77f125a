package dev.fastnet.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.framing.Framing;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * One listener of a running {@link FastnetServer}: its configuration, bound address and
 * live figures, readable at any time without locks.
 *
 * @since 0.1.0
 */
public final class ServerListener {

	private final ListenerConfig config;

	final AtomicInteger connectionsOpen = new AtomicInteger();

	final LongAdder connectionsAccepted = new LongAdder();

	final LongAdder bytesRead = new LongAdder();

	final LongAdder bytesWritten = new LongAdder();

	final LongAdder unanswerable = new LongAdder();

	final Framing.Counters counters = new Framing.Counters(this.bytesRead, this.bytesWritten, this.unanswerable);

	/**
	 * Binds the listener again on resume: a server bootstrap for TCP, a bootstrap for
	 * UDP.
	 */
	@Nullable AbstractBootstrap<?, ?> bootstrap;

	/**
	 * The listening channels: one, or one per acceptor with SO_REUSEPORT; empty while not
	 * bound.
	 */
	volatile List<Channel> serverChannels = List.of();

	volatile @Nullable InetSocketAddress boundAddress;

	ServerListener(ListenerConfig config) {
		this.config = config;
	}

	/**
	 * Return the configuration.
	 * @return the configuration
	 */
	public ListenerConfig config() {
		return this.config;
	}

	/**
	 * Return the listener's name.
	 * @return the name
	 */
	public String name() {
		return this.config.name();
	}

	/**
	 * Return the address the listener is bound to, also while it is drained.
	 * @return the bound address
	 * @throws IllegalStateException when it was never bound
	 */
	public InetSocketAddress address() {
		InetSocketAddress address = this.boundAddress;
		if (address == null) {
			throw new IllegalStateException("Listener '" + name() + "' is not bound");
		}
		return address;
	}

	/**
	 * Return the bound port.
	 * @return the port
	 * @throws IllegalStateException when it was never bound
	 */
	public int port() {
		return address().getPort();
	}

	/**
	 * @return connections open now
	 */
	public int connectionsOpen() {
		return this.connectionsOpen.get();
	}

	/**
	 * @return connections accepted since start
	 */
	public long connectionsAccepted() {
		return this.connectionsAccepted.sum();
	}

	/**
	 * @return bytes of frames received
	 */
	public long bytesRead() {
		return this.bytesRead.sum();
	}

	/**
	 * @return bytes of frames sent
	 */
	public long bytesWritten() {
		return this.bytesWritten.sum();
	}

	/**
	 * Return how many requests of a compatibility framing got an answer the framing
	 * cannot carry (an ERROR, or a payload too large or of the wrong length); each closed
	 * its connection.
	 * @return the count
	 */
	public long unanswerable() {
		return this.unanswerable.sum();
	}

	/**
	 * Return the address as {@code host:port} for the log: {@code [::]:7000} or
	 * {@code 0.0.0.0:7000} rather than {@code /[0:0:0:0:0:0:0:0]:7000}.
	 */
	String addressText() {
		InetSocketAddress address = this.boundAddress;
		return (address != null) ? NetUtil.toSocketAddressString(address)
				: NetUtil.toSocketAddressString(this.config.host(), this.config.port());
	}

	@Override
	public String toString() {
		return "Listener[" + name() + " " + this.config.transport().name().toLowerCase() + " " + this.config.framing()
				+ " " + addressText() + "]";
	}

}
