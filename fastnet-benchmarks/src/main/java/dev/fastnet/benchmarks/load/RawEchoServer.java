package dev.fastnet.benchmarks.load;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.fastnet.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The baselines of the load benchmark, each run in its own process: {@code netty}, the
 * least a Netty server can do to answer fastnet REQUEST frames (no validation, no
 * routing: the id is copied into a RESPONSE header and the payload sent back without a
 * copy), and {@code netty-pool}, the same server handing every request to a
 * {@link ThreadPoolExecutor} as a hand-written server with blocking handlers would.
 * <p>
 * Arguments: {@code netty|netty-pool port [queue capacity of netty-pool]}. Prints
 * {@code READY port} once bound and runs until killed.
 */
public final class RawEchoServer {

	private RawEchoServer() {
	}

	/**
	 * Run a baseline server.
	 * @param args the system and the port
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		String system = args[0];
		int port = Integer.parseInt(args[1]);
		// Sized as fastnet's default worker pool, so that only the hand-off differs
		ExecutorService pool = system.equals("netty-pool") ? new ThreadPoolExecutor(64, 64, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>((args.length > 2) ? Integer.parseInt(args[2]) : 8192), (runnable) -> {
					Thread thread = new Thread(runnable, "netty-pool-worker");
					thread.setDaemon(true);
					return thread;
				}) : null;
		// Netty's default: twice the cores, as fastnet's io-threads default
		EventLoopGroup group = Transport.AUTO.newEventLoopGroup(0, "raw-netty", false);
		ChannelHandler handler = (pool != null) ? new PooledEchoHandler(pool) : new EchoHandler();
		Channel server = new ServerBootstrap().group(group)
			.channel(Transport.AUTO.serverChannelClass())
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0), handler);
				}
			})
			.bind(new InetSocketAddress("127.0.0.1", port))
			.sync()
			.channel();
		System.out.println("READY " + ((InetSocketAddress) server.localAddress()).getPort());
		new CountDownLatch(1).await();
	}

	/**
	 * Answer one request frame with the least work: its id copied into a RESPONSE header,
	 * its payload sent back without a copy; a PING gets its PONG.
	 * @param ctx the context
	 * @param request the frame, length prefix included; released here
	 * @return the answer to write
	 */
	public static ByteBuf answer(ChannelHandlerContext ctx, ByteBuf request) {
		int start = request.readerIndex();
		if (request.getByte(start + 5) == 4) {
			// PING, which fastnet's client sends on connections it has not heard from:
			// PONG
			request.release();
			return ctx.alloc()
				.directBuffer(12)
				.writeInt(8)
				.writeByte(1)
				.writeByte(5)
				.writeByte(0)
				.writeInt(0)
				.writeByte(0);
		}
		int id = request.getInt(start + 7);
		int routeLength = request.getUnsignedByte(start + 11);
		int payloadStart = start + 12 + routeLength;
		int payloadLength = request.writerIndex() - payloadStart;
		ByteBuf header = ctx.alloc().directBuffer(12);
		header.writeInt(8 + payloadLength).writeByte(1).writeByte(1).writeByte(0).writeInt(id).writeByte(0);
		CompositeByteBuf answer = ctx.alloc().compositeDirectBuffer(2);
		answer.addComponents(true, header, request.retainedSlice(payloadStart, payloadLength));
		request.release();
		return answer;
	}

	@ChannelHandler.Sharable
	static final class EchoHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(answer(ctx, (ByteBuf) msg), ctx.voidPromise());
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

	}

	@ChannelHandler.Sharable
	static final class PooledEchoHandler extends ChannelInboundHandlerAdapter {

		private final ExecutorService pool;

		PooledEchoHandler(ExecutorService pool) {
			this.pool = pool;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf request = (ByteBuf) msg;
			try {
				this.pool.execute(() -> ctx.writeAndFlush(answer(ctx, request), ctx.voidPromise()));
			}
			catch (RejectedExecutionException ex) {
				request.release();
			}
		}

	}

}
