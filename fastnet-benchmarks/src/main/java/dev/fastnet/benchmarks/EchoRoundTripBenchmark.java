package dev.fastnet.benchmarks;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.benchmarks.load.RawEchoServer;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end requests per second over loopback: a fastnet server with an event-loop echo
 * route against a hand-written raw Netty server that answers the same frames with the
 * least possible work (no validation, no routing). The same Netty client drives both: one
 * connection, batches of {@value #BATCH} pipelined requests, each batch written with one
 * flush.
 * <p>
 * Rerun:
 * {@code mvn -B -ntp -Pbench -pl fastnet-benchmarks -am package -DskipTests && java -jar
 * fastnet-benchmarks/target/benchmarks.jar EchoRoundTripBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Dio.netty.leakDetection.level=disabled", "-Xms512m", "-Xmx512m" })
public class EchoRoundTripBenchmark {

	static final int BATCH = 256;

	@Param({ "fastnet", "netty" })
	String server;

	@Param({ "128" })
	int payloadSize;

	private FastnetServer fastnet;

	private EventLoopGroup serverGroup;

	private Channel rawServer;

	private EventLoopGroup clientGroup;

	private Channel client;

	private volatile CountDownLatch answers;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		System.out.println("\nMeasuring " + this.server + " echo round trips of " + this.payloadSize
				+ "-byte payloads, " + BATCH + " pipelined per batch, one connection over loopback; rerun: "
				+ "java -jar fastnet-benchmarks/target/benchmarks.jar EchoRoundTripBenchmark -f 3");
		int port;
		if (this.server.equals("fastnet")) {
			this.fastnet = FastnetServer.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
				.routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
				.build()
				.start();
			port = this.fastnet.port();
		}
		else {
			this.serverGroup = Transport.AUTO.newEventLoopGroup(1, "raw-netty-server", true);
			this.rawServer = new ServerBootstrap().group(this.serverGroup)
				.channel(Transport.AUTO.serverChannelClass())
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childHandler(new ChannelInitializer<Channel>() {
					@Override
					protected void initChannel(Channel channel) {
						channel.pipeline()
							.addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0), new RawEchoHandler());
					}
				})
				.bind("127.0.0.1", 0)
				.sync()
				.channel();
			port = ((java.net.InetSocketAddress) this.rawServer.localAddress()).getPort();
		}
		this.clientGroup = Transport.AUTO.newEventLoopGroup(1, "bench-client", true);
		this.client = new Bootstrap().group(this.clientGroup)
			.channel(Transport.AUTO.channelClass())
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new FrameDecoder(1 << 20), new FrameEncoder(), new ClientHandler());
				}
			})
			.connect("127.0.0.1", port)
			.sync()
			.channel();
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		this.client.close().sync();
		this.clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		if (this.fastnet != null) {
			this.fastnet.close();
		}
		if (this.rawServer != null) {
			this.rawServer.close().sync();
			this.serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void roundTrip() throws InterruptedException {
		CountDownLatch latch = new CountDownLatch(BATCH);
		this.answers = latch;
		Channel channel = this.client;
		channel.eventLoop().execute(() -> {
			for (int i = 1; i <= BATCH; i++) {
				ByteBuf payload = channel.alloc().directBuffer(this.payloadSize).writeZero(this.payloadSize);
				channel.write(Frame.request(i, "echo", Map.of(), payload), channel.voidPromise());
			}
			channel.flush();
		});
		if (!latch.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Answers missing: " + latch.getCount());
		}
	}

	private final class ClientHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			Frame frame = (Frame) msg;
			if (frame.type() != FrameType.RESPONSE) {
				frame.release();
				throw new IllegalStateException("Unexpected answer " + frame);
			}
			frame.release();
			EchoRoundTripBenchmark.this.answers.countDown();
		}

	}

	/**
	 * The least a Netty server can do to answer a request frame: copy the id into a
	 * RESPONSE header and send the payload back without a copy.
	 */
	private static final class RawEchoHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(RawEchoServer.answer(ctx, (ByteBuf) msg), ctx.voidPromise());
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

	}

}
