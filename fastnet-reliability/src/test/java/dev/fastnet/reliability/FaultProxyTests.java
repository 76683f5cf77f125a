package dev.fastnet.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FaultProxy}: each fault, against an echo server.
 */
class FaultProxyTests {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final AtomicLong echoed = new AtomicLong();

	private final AtomicInteger resets = new AtomicInteger();

	private Channel echo;

	private FaultProxy proxy;

	@BeforeEach
	void startEchoAndProxy() {
		this.echo = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {

						@Override
						public void channelRead(ChannelHandlerContext ctx, Object msg) {
							FaultProxyTests.this.echoed.addAndGet(((ByteBuf) msg).readableBytes());
							ctx.writeAndFlush(msg);
						}

						@Override
						public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
							if (String.valueOf(cause.getMessage()).contains("reset")) {
								FaultProxyTests.this.resets.incrementAndGet();
							}
							ctx.close();
						}

					});
				}
			})
			.bind("127.0.0.1", 0)
			.syncUninterruptibly()
			.channel();
		this.proxy = FaultProxy.start((InetSocketAddress) this.echo.localAddress());
	}

	@AfterEach
	void stop() {
		this.proxy.close();
		this.echo.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void forwardsBothWaysAndCountsBytesAndConnections() throws IOException {
		try (Socket socket = connect()) {
			byte[] data = randomBytes(100);
			socket.getOutputStream().write(data);
			assertThat(readFully(socket, 100)).isEqualTo(data);
		}
		assertThat(this.proxy.connectionsAccepted()).isOne();
		assertThat(this.proxy.bytesUpstream()).isEqualTo(100);
		assertThat(this.proxy.bytesDownstream()).isEqualTo(100);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.connectionsOpen() == 0);
	}

	@Test
	void latencyDelaysEachDirection() throws IOException {
		this.proxy.faults(Faults.none().latency(Duration.ofMillis(100), Duration.ofMillis(20)));
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			socket.getOutputStream().write(randomBytes(10));
			readFully(socket, 10);
			assertThat(millisSince(start)).isGreaterThanOrEqualTo(200);
		}
	}

	@Test
	void bandwidthCapsTheRate() throws IOException {
		this.proxy.faults(Faults.none().bandwidth(50_000));
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			byte[] data = randomBytes(20_000);
			socket.getOutputStream().write(data);
			assertThat(Arrays.mismatch(readFully(socket, data.length), data)).isEqualTo(-1);
			// 20,000 bytes at 50,000 bytes/s take 400 ms in each direction, partly
			// overlapped
			assertThat(millisSince(start)).isGreaterThanOrEqualTo(380);
		}
	}

	@Test
	void slicerSendsSmallChunksWithDelays() throws IOException {
		this.proxy.faults(Faults.none().slicer(1, Duration.ofMillis(10)));
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			byte[] data = randomBytes(20);
			socket.getOutputStream().write(data);
			assertThat(readFully(socket, data.length)).isEqualTo(data);
			assertThat(millisSince(start)).isGreaterThanOrEqualTo(190);
		}
	}

	@Test
	void blackholeDiscardsEverythingAndNeverCloses() throws IOException {
		this.proxy.faults(Faults.none().blackhole());
		try (Socket socket = connect()) {
			socket.getOutputStream().write(randomBytes(100));
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			socket.getOutputStream().write(randomBytes(100));
			assertThat(this.proxy.links()).singleElement().satisfies((link) -> assertThat(link.isOpen()).isTrue());
		}
		assertThat(this.echoed.get()).isZero();
	}

	@Test
	void resetPeerSendsRstToBothSides() throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream().write(randomBytes(10));
			readFully(socket, 10);
			assertThat(this.proxy.resetPeers()).isOne();
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> socket.getInputStream().read())
				.withMessageContaining("reset");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.resets.get() == 1);
	}

	@Test
	void limitDataClosesTheConnectionAfterThatManyBytes() throws IOException {
		this.proxy.faults(Faults.none().limitData(150));
		try (Socket socket = connect()) {
			socket.getOutputStream().write(randomBytes(100));
			// 100 bytes up and 50 of the echo down, then the end of the stream
			readFully(socket, 50);
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void freezeHoldsDataWithoutClosingAndHealLetsItThrough() throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream().write(randomBytes(10));
			readFully(socket, 10);
			this.proxy.freeze();
			byte[] data = randomBytes(10);
			socket.getOutputStream().write(data);
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(this.echoed.get()).isEqualTo(10);
			assertThat(this.proxy.links()).singleElement().satisfies((link) -> assertThat(link.isOpen()).isTrue());
			this.proxy.heal();
			socket.setSoTimeout(5000);
			assertThat(readFully(socket, 10)).isEqualTo(data);
		}
	}

	@Test
	void faultsOfOneConnectionLeaveTheOthersAlone() throws IOException {
		try (Socket frozen = connect(); Socket other = connect()) {
			frozen.getOutputStream().write(randomBytes(10));
			readFully(frozen, 10);
			other.getOutputStream().write(randomBytes(10));
			readFully(other, 10);
			FaultProxy.Link link = this.proxy.links()
				.stream()
				.filter((candidate) -> candidate.bytesForwarded() > 0)
				.findFirst()
				.orElseThrow();
			link.faults(Faults.none().freeze());
			List<Socket> sockets = List.of(frozen, other);
			int frozenCount = 0;
			for (Socket socket : sockets) {
				socket.getOutputStream().write(randomBytes(10));
				socket.setSoTimeout(300);
				try {
					readFully(socket, 10);
				}
				catch (SocketTimeoutException ex) {
					frozenCount++;
				}
			}
			assertThat(frozenCount).isOne();
			assertThat(this.proxy.links()).filteredOn((candidate) -> candidate.faults().frozen()).containsExactly(link);
		}
	}

	@Test
	void stopRefusesConnectionsAndStartListensOnTheSamePort() throws IOException {
		int port = this.proxy.port();
		try (Socket socket = connect()) {
			// Accepted by the proxy, not only by the kernel: a stop would reset it
			// otherwise
			socket.getOutputStream().write(randomBytes(10));
			readFully(socket, 10);
			this.proxy.stop();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::connect);
		this.proxy.start();
		assertThat(this.proxy.port()).isEqualTo(port);
		try (Socket socket = connect()) {
			socket.getOutputStream().write(randomBytes(10));
			readFully(socket, 10);
		}
		assertThat(this.proxy.connectionsAccepted()).isEqualTo(2);
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(this.proxy.address(), 2000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static byte[] readFully(Socket socket, int length) throws IOException {
		byte[] data = new byte[length];
		InputStream in = socket.getInputStream();
		int read = 0;
		while (read < length) {
			int count = in.read(data, read, length - read);
			if (count < 0) {
				throw new IOException("End of stream after " + read + " bytes: " + Arrays.toString(data));
			}
			read += count;
		}
		return data;
	}

	private static byte[] randomBytes(int length) {
		byte[] data = new byte[length];
		ThreadLocalRandom.current().nextBytes(data);
		return data;
	}

	private static long millisSince(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

}
