package dev.fastnet.benchmarks.load;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.fastnet.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.HdrHistogram.Histogram;

/**
 * The least a Netty client can do to keep {@code inFlight} echo requests outstanding on
 * each of its connections: frames written by hand, each answer checked (id and every
 * payload byte) and replaced by the next request, flushed once per read.
 */
final class MinimalClient implements LoadClient.Driver {

	private static final byte[] ROUTE = "echo".getBytes(StandardCharsets.US_ASCII);

	private final LoadClient.Settings settings;

	private final Measurement measurement;

	private final ByteBuf pattern;

	private final EventLoopGroup group;

	private final List<Channel> channels = new ArrayList<>();

	MinimalClient(LoadClient.Settings settings, Measurement measurement) {
		this.settings = settings;
		this.measurement = measurement;
		this.pattern = Unpooled.unreleasableBuffer(
				Unpooled.directBuffer(settings.payload()).writeBytes(LoadClient.pattern(settings.payload())));
		this.group = Transport.AUTO.newEventLoopGroup(settings.threads(), "minimal-client", true);
	}

	@Override
	public void start() throws InterruptedException {
		Bootstrap bootstrap = new Bootstrap().group(this.group)
			.channel(Transport.AUTO.channelClass())
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0),
								new Connection(MinimalClient.this.measurement.histogram(channel.hashCode())));
				}
			});
		List<ChannelFuture> connects = new ArrayList<>();
		for (int i = 0; i < this.settings.connections(); i++) {
			connects.add(bootstrap.connect(new InetSocketAddress("127.0.0.1", this.settings.port())));
		}
		for (ChannelFuture connect : connects) {
			this.channels.add(connect.sync().channel());
		}
	}

	@Override
	public void quiesce() throws Exception {
		// Every recording happens on the event loops: once each has run this, none
		// records again
		for (Channel channel : this.channels) {
			channel.eventLoop().submit(() -> {
			}).sync();
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (Channel channel : this.channels) {
			channel.close();
		}
		this.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
	}

	private final class Connection extends ChannelInboundHandlerAdapter {

		private final int slots = MinimalClient.this.settings.inFlight();

		private final int payload = MinimalClient.this.settings.payload();

		private final int[] ids = new int[this.slots];

		private final long[] sentAt = new long[this.slots];

		private int sequence;

		private final Histogram histogram;

		Connection(Histogram histogram) {
			this.histogram = histogram;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			for (int slot = 0; slot < this.slots; slot++) {
				send(ctx, slot);
			}
			ctx.flush();
		}

		private void send(ChannelHandlerContext ctx, int slot) {
			// The slot is the id's remainder, so an answer finds its request without a
			// map
			int id = (this.sequence++ & 0x7ffff) * this.slots + slot;
			this.ids[slot] = id;
			ByteBuf frame = ctx.alloc().directBuffer(16 + this.payload);
			frame.writeInt(12 + this.payload)
				.writeByte(1)
				.writeByte(0)
				.writeByte(0)
				.writeInt(id)
				.writeByte(ROUTE.length)
				.writeBytes(ROUTE)
				.writeInt(id)
				.writeBytes(MinimalClient.this.pattern, 4, this.payload - 4);
			this.sentAt[slot] = System.nanoTime();
			ctx.write(frame, ctx.voidPromise());
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf frame = (ByteBuf) msg;
			Measurement measurement = MinimalClient.this.measurement;
			try {
				int start = frame.readerIndex();
				int type = frame.getUnsignedByte(start + 5);
				int flags = frame.getUnsignedByte(start + 6);
				int id = frame.getInt(start + 7);
				int at = start + 12 + frame.getUnsignedByte(start + 11);
				if ((flags & 1) != 0) {
					at += 2 + frame.getUnsignedShort(at);
				}
				if (type != 1 && type != 3) {
					return;
				}
				int slot = id % this.slots;
				if (id < 0 || this.ids[slot] != id) {
					measurement.mismatches.increment();
					return;
				}
				boolean measuring = measurement.measuring();
				if (type == 3) {
					if (measuring) {
						measurement.errors.increment();
					}
				}
				else if (frame.writerIndex() - at != this.payload || frame.getInt(at) != id
						|| !ByteBufUtil.equals(frame, at + 4, MinimalClient.this.pattern, 4, this.payload - 4)) {
					measurement.mismatches.increment();
				}
				else if (measuring) {
					measurement.ok.increment();
					Histogram histogram = this.histogram;
					synchronized (histogram) {
						histogram.recordValue(System.nanoTime() - this.sentAt[slot]);
					}
				}
				if (!measurement.stopped()) {
					send(ctx, slot);
				}
			}
			finally {
				frame.release();
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!MinimalClient.this.measurement.stopped()) {
				MinimalClient.this.measurement.connectionsLost.increment();
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
