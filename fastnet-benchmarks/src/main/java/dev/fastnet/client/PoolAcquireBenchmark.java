package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of one uncontended acquire + release on a connection pool, single thread and two
 * threads, with idle eviction and health checking enabled, side by side:
 * <ul>
 * <li>{@code fastnet*}: the real primitive of the fastnet client's pool, unchanged:
 * {@link EndpointPool#tryAcquire()} (one volatile read of the connection array, the
 * counters of two connections chosen at random and one CAS on the less loaded one's; an
 * event loop first tries the connection it is reading and its own ones) followed by
 * {@link ClientConnection#release(boolean) release(true)}, as an answered request
 * releases its slot. The pool is the one a real {@link FastnetClient} built for its
 * endpoint, holding {@code connections} real TCP connections (opened through
 * {@code minIdle}, confirmed by their first PING) to a real {@link FastnetServer} on
 * 127.0.0.1; idle eviction ({@code maxIdleTime} 1 s) and health checking (PING every 1 s,
 * 1 s timeout) run on the connection's event loop during the measurement. No request is
 * sent. Not measured: what a real call adds around the primitive ({@code Call.assign}:
 * two {@code System.nanoTime()}, two {@code LongAdder} updates and the hand-off to the
 * connection's event loop) nor writing the request.</li>
 * <li>{@code commonsPool*}: Apache commons-pool2 {@link GenericObjectPool#borrowObject()}
 * + {@link GenericObjectPool#returnObject(Object)} of a trivial object (2 pooled,
 * {@code minIdle} 2), with {@code testOnBorrow} and {@code testWhileIdle} (a volatile
 * read, as fastnet's usable check), an evictor run every 1 s and a soft idle eviction
 * time of 1 s.</li>
 * <li>{@code nettyFixedChannelPool*}: Netty's {@link FixedChannelPool} of at most 2 real
 * TCP channels to a trivial local Netty server, {@link ChannelHealthChecker#ACTIVE} on
 * acquire and release: {@code acquire().syncUninterruptibly()} +
 * {@code release(channel)}. Both hop to the pool's event loop, so this measures that
 * hand-off and the wake-up of the calling thread; Netty pools have no idle eviction.</li>
 * </ul>
 * The semantics differ: a fastnet slot is one of {@code maxInFlightPerConnection} shared
 * slots of a multiplexed connection (two threads may hold slots on the same connection),
 * whereas commons-pool2 and {@code FixedChannelPool} lend an object exclusively. In the
 * two-thread runs each thread acquires and releases in a loop of its own; the time is per
 * operation of one thread.
 * <p>
 * Rerun:
 * {@code mvn -B -ntp -Pbench -pl fastnet-benchmarks -am package -DskipTests && java -jar
 * fastnet-benchmarks/target/benchmarks.jar PoolAcquireBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Dio.netty.leakDetection.level=disabled", "-Xms512m", "-Xmx512m" })
public class PoolAcquireBenchmark {

	static final String RERUN = "mvn -B -ntp -Pbench -pl fastnet-benchmarks -am package -DskipTests && "
			+ "java -jar fastnet-benchmarks/target/benchmarks.jar PoolAcquireBenchmark -prof gc";

	static final Duration EVICTION_AND_HEALTH_PERIOD = Duration.ofSeconds(1);

	// fastnet

	@Benchmark
	@Threads(1)
	public void fastnetSingleThread(FastnetPool state, Blackhole blackhole) {
		acquireAndRelease(state.pool, blackhole);
	}

	@Benchmark
	@Threads(2)
	public void fastnetTwoThreads(FastnetPool state, Blackhole blackhole) {
		acquireAndRelease(state.pool, blackhole);
	}

	private static void acquireAndRelease(EndpointPool pool, Blackhole blackhole) {
		ClientConnection connection = pool.tryAcquire();
		if (connection == null) {
			throw new IllegalStateException("No free slot in " + pool);
		}
		blackhole.consume(connection);
		connection.release(true);
	}

	// commons-pool2

	@Benchmark
	@Threads(1)
	public void commonsPoolSingleThread(CommonsPool state, Blackhole blackhole) throws Exception {
		borrowAndReturn(state.pool, blackhole);
	}

	@Benchmark
	@Threads(2)
	public void commonsPoolTwoThreads(CommonsPool state, Blackhole blackhole) throws Exception {
		borrowAndReturn(state.pool, blackhole);
	}

	private static void borrowAndReturn(GenericObjectPool<PooledThing> pool, Blackhole blackhole) throws Exception {
		PooledThing thing = pool.borrowObject();
		blackhole.consume(thing);
		pool.returnObject(thing);
	}

	// Netty FixedChannelPool

	@Benchmark
	@Threads(1)
	public void nettyFixedChannelPoolSingleThread(NettyPool state, Blackhole blackhole) {
		acquireAndRelease(state.pool, blackhole);
	}

	@Benchmark
	@Threads(2)
	public void nettyFixedChannelPoolTwoThreads(NettyPool state, Blackhole blackhole) {
		acquireAndRelease(state.pool, blackhole);
	}

	private static void acquireAndRelease(FixedChannelPool pool, Blackhole blackhole) {
		Channel channel = pool.acquire().syncUninterruptibly().getNow();
		blackhole.consume(channel);
		pool.release(channel);
	}

	/**
	 * A real fastnet server and client on loopback; {@link #pool} is the client's pool
	 * for the server's endpoint, warmed to {@link #connections} confirmed connections.
	 */
	@State(Scope.Benchmark)
	public static class FastnetPool {

		@Param({ "1", "2", "256" })
		int connections;

		private FastnetServer server;

		private FastnetClient client;

		EndpointPool pool;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			// The pool PINGs its idle connections every second, more often than the
			// server's
			// default minimum PING interval allows
			ServerConfig config = ServerConfig.builder()
				.host("127.0.0.1")
				.port(0)
				.ioThreads(1)
				.minPingInterval(Duration.ZERO)
				.build();
			this.server = FastnetServer.builder(config)
				.routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
				.build()
				.start();
			PoolOptions options = PoolOptions.builder()
				.minIdle(this.connections)
				.maxConnections(this.connections)
				.maxIdleTime(EVICTION_AND_HEALTH_PERIOD)
				.pingInterval(EVICTION_AND_HEALTH_PERIOD)
				.pingTimeout(EVICTION_AND_HEALTH_PERIOD)
				.build();
			this.client = FastnetClient.create(ClientConfig.builder()
				.name("pool-benchmark")
				.endpoint("127.0.0.1", this.server.port())
				.ioThreads(1)
				.pool(options)
				.build());
			this.pool = findPool(this.client);
			awaitConnections(this.pool, this.connections);
			System.out.println("\nMeasuring fastnet EndpointPool.tryAcquire() + ClientConnection.release(true) on "
					+ this.connections + " real TCP connection(s) to a FastnetServer on 127.0.0.1 (maxIdleTime "
					+ options.maxIdleTime().toMillis() + " ms, PING every " + options.pingInterval().toMillis()
					+ " ms, no request sent); rerun: " + RERUN);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			try {
				// The figures are only those of the warmed pool if it kept its
				// connections
				EndpointStats stats = this.pool.stats();
				if (usableConfirmed(this.pool) != this.connections || stats.inFlight() != 0
						|| stats.connectionsEvicted() != 0 || stats.connectAttempts() != this.connections) {
					throw new IllegalStateException("The pool changed during the measurement: " + stats);
				}
			}
			finally {
				this.client.close(Duration.ofSeconds(1));
				this.server.close();
			}
		}

		/**
		 * Return the pool the client routes calls to, reached the way a call reaches it:
		 * a probe call is dispatched, granted a slot, and on the connection's event loop
		 * releases the slot without writing anything.
		 */
		private static EndpointPool findPool(FastnetClient client) throws Exception {
			PoolProbe probe = new PoolProbe(client.engine());
			client.engine().redispatch(probe, null);
			ClientConnection connection = probe.granted.get(10, TimeUnit.SECONDS);
			return connection.pool();
		}

		private static void awaitConnections(EndpointPool pool, int expected) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (usableConfirmed(pool) < expected || !pool.isUp()) {
				if (System.nanoTime() - deadline >= 0) {
					throw new IllegalStateException("Expected " + expected + " confirmed connections: " + pool);
				}
				Thread.sleep(10);
			}
			if (pool.openConnections().size() != expected || pool.inFlight() != 0) {
				throw new IllegalStateException("Unexpected pool state: " + pool.stats());
			}
		}

		private static int usableConfirmed(EndpointPool pool) {
			int count = 0;
			for (ClientConnection connection : pool.openConnections()) {
				if (connection.isUsable() && connection.isConfirmed()) {
					count++;
				}
			}
			return count;
		}

	}

	/**
	 * A call used once in the trial setup to find the client's pool: it releases its slot
	 * instead of writing anything.
	 */
	static final class PoolProbe extends Call {

		final CompletableFuture<ClientConnection> granted = new CompletableFuture<>();

		PoolProbe(ClientEngine engine) {
			super(engine, "pool-probe", TimeUnit.SECONDS.toNanos(10));
		}

		@Override
		void writeTo(ClientConnection connection) {
			connection.release(true);
			this.granted.complete(connection);
		}

		@Override
		void fail(Throwable failure) {
			this.granted.completeExceptionally(failure);
		}

	}

	/**
	 * A commons-pool2 pool of trivial objects with borrow and idle validation and an
	 * evictor.
	 */
	@State(Scope.Benchmark)
	public static class CommonsPool {

		GenericObjectPool<PooledThing> pool;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			GenericObjectPoolConfig<PooledThing> config = new GenericObjectPoolConfig<>();
			config.setMaxTotal(2);
			config.setMaxIdle(2);
			config.setMinIdle(2);
			config.setTestOnBorrow(true);
			config.setTestWhileIdle(true);
			config.setTimeBetweenEvictionRuns(EVICTION_AND_HEALTH_PERIOD);
			config.setSoftMinEvictableIdleDuration(EVICTION_AND_HEALTH_PERIOD);
			this.pool = new GenericObjectPool<>(new PooledThingFactory(), config);
			this.pool.preparePool();
			System.out.println("\nMeasuring commons-pool2 GenericObjectPool.borrowObject() + returnObject() of "
					+ this.pool.getNumIdle() + " trivial objects (testOnBorrow, testWhileIdle, evictor every "
					+ EVICTION_AND_HEALTH_PERIOD.toMillis() + " ms, soft idle eviction after "
					+ EVICTION_AND_HEALTH_PERIOD.toMillis() + " ms); rerun: " + RERUN);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.pool.close();
		}

	}

	/**
	 * What the commons-pool2 pool lends: validation reads a volatile flag, like fastnet's
	 * check that a connection is usable.
	 */
	static final class PooledThing {

		volatile boolean healthy = true;

	}

	static final class PooledThingFactory extends BasePooledObjectFactory<PooledThing> {

		@Override
		public PooledThing create() {
			return new PooledThing();
		}

		@Override
		public PooledObject<PooledThing> wrap(PooledThing thing) {
			return new DefaultPooledObject<>(thing);
		}

		@Override
		public boolean validateObject(PooledObject<PooledThing> pooled) {
			return pooled.getObject().healthy;
		}

	}

	/**
	 * A Netty {@link FixedChannelPool} of real TCP channels to a local server that
	 * discards what it reads; the channels are opened before the measurement.
	 */
	@State(Scope.Benchmark)
	public static class NettyPool {

		static final int MAX_CHANNELS = 2;

		private EventLoopGroup serverGroup;

		private Channel server;

		private EventLoopGroup clientGroup;

		FixedChannelPool pool;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.serverGroup = Transport.AUTO.newEventLoopGroup(1, "netty-pool-server", true);
			this.server = new ServerBootstrap().group(this.serverGroup)
				.channel(Transport.AUTO.serverChannelClass())
				.childHandler(new ChannelInitializer<Channel>() {
					@Override
					protected void initChannel(Channel channel) {
						channel.pipeline().addLast(new DiscardHandler());
					}
				})
				.bind("127.0.0.1", 0)
				.sync()
				.channel();
			this.clientGroup = Transport.AUTO.newEventLoopGroup(1, "netty-pool-client", true);
			Bootstrap bootstrap = new Bootstrap().group(this.clientGroup)
				.channel(Transport.AUTO.channelClass())
				.option(ChannelOption.TCP_NODELAY, true)
				.remoteAddress((InetSocketAddress) this.server.localAddress());
			this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
				@Override
				public void channelCreated(Channel channel) {
					channel.pipeline().addLast(new DiscardHandler());
				}
			}, ChannelHealthChecker.ACTIVE, null, -1, MAX_CHANNELS, Integer.MAX_VALUE, true, true);
			Channel[] warm = new Channel[MAX_CHANNELS];
			for (int i = 0; i < MAX_CHANNELS; i++) {
				warm[i] = this.pool.acquire().syncUninterruptibly().getNow();
			}
			for (Channel channel : warm) {
				this.pool.release(channel).syncUninterruptibly();
			}
			System.out.println("\nMeasuring Netty FixedChannelPool acquire().syncUninterruptibly() + release() of "
					+ MAX_CHANNELS + " real TCP channels (" + Transport.AUTO.resolve()
					+ ", ChannelHealthChecker.ACTIVE on acquire and release, hops to the pool's event loop, no idle "
					+ "eviction in Netty pools); rerun: " + RERUN);
		}

		@TearDown(Level.Trial)
		public void tearDown() throws Exception {
			this.pool.closeAsync().sync();
			this.clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
			this.server.close().sync();
			this.serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		}

	}

	private static final class DiscardHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

	}

}
