package dev.fastnet.reliability;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.awaitility.Awaitility;

/**
 * A loopback TCP forwarder that puts faults between a client and a server: latency and
 * jitter, a bandwidth cap, slicing into small delayed chunks, a blackhole, a data limit,
 * a freeze that looks like a silent partition, a reset (RST) of every connection, and a
 * stop and restart on the same port. Faults are set for every connection, now and later,
 * or for one connection through its {@link Link}, and can change at any time. Counts
 * connections and forwarded bytes.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.address())) {
 *     proxy.faults(Faults.none().latency(Duration.ofMillis(20), Duration.ofMillis(5)));
 *     // the client connects to proxy.address()
 *     proxy.freeze();
 *     proxy.heal();
 *     proxy.resetPeers();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

	/**
	 * Bytes waiting in one direction beyond which the proxy stops reading that direction.
	 */
	static final int MAX_QUEUED_BYTES = 256 * 1024;

	private final InetSocketAddress target;

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
			new DefaultThreadFactory("fault-proxy", true), NioIoHandler.newFactory());

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicLong bytesUpstream = new AtomicLong();

	private final AtomicLong bytesDownstream = new AtomicLong();

	private final ServerBootstrap bootstrap;

	private final int port;

	private volatile Faults faults = Faults.none();

	private volatile Channel serverChannel;

	private FaultProxy(InetSocketAddress target) {
		this.target = target;
		this.bootstrap = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.AUTO_READ, false)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					accept(channel);
				}
			});
		this.serverChannel = bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.port = ((InetSocketAddress) this.serverChannel.localAddress()).getPort();
	}

	/**
	 * Start a proxy on an ephemeral loopback port that forwards to the target.
	 * @param target where connections are forwarded
	 * @return the running proxy
	 */
	public static FaultProxy start(InetSocketAddress target) {
		return new FaultProxy(Objects.requireNonNull(target, "target"));
	}

	private Channel bind(InetSocketAddress address) {
		ChannelFuture bind = this.bootstrap.bind(address).awaitUninterruptibly();
		if (!bind.isSuccess()) {
			throw new IllegalStateException("Fault proxy cannot bind " + address, bind.cause());
		}
		return bind.channel();
	}

	private void accept(Channel inbound) {
		this.accepted.incrementAndGet();
		Link link = new Link(inbound, this.faults);
		this.links.add(link);
		inbound.closeFuture().addListener((future) -> this.links.remove(link));
		new Bootstrap().group(inbound.eventLoop())
			.channel(NioSocketChannel.class)
			.option(ChannelOption.AUTO_READ, false)
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(link.downstream.reader())
			.connect(this.target)
			.addListener((ChannelFuture connect) -> {
				if (connect.isSuccess()) {
					link.connected(connect.channel());
				}
				else {
					inbound.close();
				}
			});
	}

	/**
	 * Return the address clients connect to.
	 * @return a loopback address
	 */
	public InetSocketAddress address() {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port);
	}

	/**
	 * Return the port clients connect to; the same after {@link #stop()} and
	 * {@link #start()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Set the faults of every connection, open now or opened later.
	 * @param faults the faults
	 * @return this proxy
	 */
	public FaultProxy faults(Faults faults) {
		return update((current) -> faults);
	}

	private FaultProxy update(UnaryOperator<Faults> change) {
		this.faults = change.apply(this.faults);
		for (Link link : this.links) {
			link.faults(change.apply(link.faults));
		}
		return this;
	}

	/**
	 * Freeze every connection, open now or opened later, leaving their other faults
	 * alone.
	 * @return this proxy
	 */
	public FaultProxy freeze() {
		return update(Faults::freeze);
	}

	/**
	 * Remove every fault: frozen connections forward what they hold and read again.
	 * @return this proxy
	 */
	public FaultProxy heal() {
		return faults(Faults.none());
	}

	/**
	 * Reset every open connection on both sides: each peer gets a TCP RST.
	 * @return how many connections were reset
	 */
	public int resetPeers() {
		List<Link> open = links();
		for (Link link : open) {
			link.resetPeer();
		}
		return open.size();
	}

	/**
	 * Return the open connections.
	 * @return a snapshot
	 */
	public List<Link> links() {
		return new ArrayList<>(this.links);
	}

	/**
	 * Stop listening and close every connection, as a server that went away;
	 * {@link #start()} listens on the same port again.
	 */
	public void stop() {
		this.serverChannel.close().awaitUninterruptibly();
		for (Link link : links()) {
			link.close();
		}
		// NIO closes the socket of a registered channel only at the next select of its
		// loop;
		// until then the kernel still accepts connections
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(1))
			.until(this::refusesConnections);
	}

	private boolean refusesConnections() {
		try (Socket probe = new Socket()) {
			probe.connect(address(), 1000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Listen again on the same port after {@link #stop()}.
	 */
	public void start() {
		this.serverChannel = bind(address());
	}

	/**
	 * Return the connections accepted since the proxy started.
	 * @return the count
	 */
	public int connectionsAccepted() {
		return this.accepted.get();
	}

	/**
	 * Return the connections open now.
	 * @return the count
	 */
	public int connectionsOpen() {
		return this.links.size();
	}

	/**
	 * Return the bytes forwarded from clients to the server.
	 * @return the count
	 */
	public long bytesUpstream() {
		return this.bytesUpstream.get();
	}

	/**
	 * Return the bytes forwarded from the server to clients.
	 * @return the count
	 */
	public long bytesDownstream() {
		return this.bytesDownstream.get();
	}

	@Override
	public void close() {
		stop();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

	/**
	 * One proxied connection: the client's side, the server's side, and a pipe each way.
	 * Its state is touched on its event loop only, except the faults.
	 */
	public final class Link {

		private final Channel inbound;

		final ProxyPipe upstream;

		final ProxyPipe downstream;

		volatile Faults faults;

		private volatile Channel outbound;

		private long forwarded;

		Link(Channel inbound, Faults faults) {
			this.inbound = inbound;
			this.faults = faults;
			this.upstream = new ProxyPipe(this, FaultProxy.this.bytesUpstream);
			this.downstream = new ProxyPipe(this, FaultProxy.this.bytesDownstream);
			inbound.pipeline().addLast(this.upstream.reader());
		}

		void connected(Channel outbound) {
			this.outbound = outbound;
			this.upstream.connect(this.inbound, outbound);
			this.downstream.connect(outbound, this.inbound);
			if (!this.inbound.isActive()) {
				outbound.close();
				return;
			}
			refresh();
		}

		/**
		 * Return this connection's faults.
		 * @return the faults
		 */
		public Faults faults() {
			return this.faults;
		}

		/**
		 * Set this connection's faults.
		 * @param faults the faults
		 */
		public void faults(Faults faults) {
			this.faults = faults;
			loop().execute(this::refresh);
		}

		private void refresh() {
			this.upstream.refresh();
			this.downstream.refresh();
		}

		/**
		 * Reset both sides of this connection: each peer gets a TCP RST. Returns once
		 * both sockets are closed.
		 */
		public void resetPeer() {
			if (loop().inEventLoop()) {
				reset();
				return;
			}
			loop().submit(this::reset).awaitUninterruptibly(5, TimeUnit.SECONDS);
		}

		private void reset() {
			for (Channel channel : new Channel[] { this.inbound, this.outbound }) {
				if (channel != null && channel.isOpen()) {
					// Linger 0: the close discards unsent data and sends RST instead of
					// FIN
					channel.config().setOption(ChannelOption.SO_LINGER, 0);
					channel.close();
				}
			}
		}

		void close() {
			this.inbound.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
			Channel outbound = this.outbound;
			if (outbound != null) {
				outbound.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
			}
		}

		/**
		 * Return whether both sides are still open.
		 * @return {@code true} while the connection is open
		 */
		public boolean isOpen() {
			Channel outbound = this.outbound;
			return this.inbound.isOpen() && outbound != null && outbound.isOpen();
		}

		/**
		 * Return the bytes forwarded in both directions.
		 * @return the count
		 */
		public long bytesForwarded() {
			return this.upstream.bytes + this.downstream.bytes;
		}

		EventLoop loop() {
			return this.inbound.eventLoop();
		}

		/**
		 * Count bytes about to be forwarded against the data limit.
		 * @return how many of them may go, all of them without a limit
		 */
		int admit(int bytes) {
			long limit = this.faults.dataLimit();
			int allowed = (limit < 0) ? bytes : (int) Math.max(0, Math.min(bytes, limit - this.forwarded));
			this.forwarded += allowed;
			return allowed;
		}

	}

}
