package dev.fastnet.reliability;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One direction of a link: reads from its source, applies the link's faults and writes to
 * its destination in order, and closes the destination after the source closed and every
 * byte that was on its way is written.
 */
final class ProxyPipe {

	private final FaultProxy.Link link;

	private final AtomicLong total;

	private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();

	private final ArrayDeque<Timed> timed = new ArrayDeque<>();

	private boolean wakeUpScheduled;

	private Channel source;

	private Channel destination;

	private long lastSendNanos;

	private long freeAtNanos;

	private int queued;

	private boolean sourceClosed;

	volatile long bytes;

	ProxyPipe(FaultProxy.Link link, AtomicLong total) {
		this.link = link;
		this.total = total;
	}

	ChannelInboundHandlerAdapter reader() {
		return new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				forward((ByteBuf) msg);
			}

			@Override
			public void channelInactive(ChannelHandlerContext ctx) {
				sourceClosed();
				other().destinationClosed();
			}

			@Override
			public void channelWritabilityChanged(ChannelHandlerContext ctx) {
				// This channel is the destination of the other pipe
				other().refresh();
			}

			@Override
			public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
				if (!(cause instanceof IOException)) {
					ctx.fireExceptionCaught(cause);
				}
				ctx.close();
			}

		};
	}

	private ProxyPipe other() {
		return (this == this.link.upstream) ? this.link.downstream : this.link.upstream;
	}

	void connect(Channel source, Channel destination) {
		this.source = source;
		this.destination = destination;
	}

	private void forward(ByteBuf message) {
		Faults faults = this.link.faults;
		if (faults.blackholed()) {
			message.release();
			return;
		}
		int allowed = this.link.admit(message.readableBytes());
		ByteBuf data = message;
		if (allowed < message.readableBytes()) {
			data = message.retainedSlice(message.readerIndex(), allowed);
			message.release();
			// The limit is reached: nothing more is read, and the link closes once sent
			this.source.close();
		}
		if (allowed == 0) {
			data.release();
			return;
		}
		this.bytes += allowed;
		this.total.addAndGet(allowed);
		if (!faults.shapes() && this.queued == 0) {
			send(data);
			return;
		}
		schedule(data, faults);
	}

	private void schedule(ByteBuf data, Faults faults) {
		long now = System.nanoTime();
		long jitter = (faults.jitterNanos() > 0) ? ThreadLocalRandom.current().nextLong(faults.jitterNanos() + 1) : 0;
		long at = Math.max(now + faults.latencyNanos() + jitter, this.lastSendNanos);
		int chunk = (faults.chunkSize() > 0) ? faults.chunkSize() : data.readableBytes();
		if (faults.bytesPerSecond() > 0) {
			// Chunks of at most 10 ms worth of bytes keep the rate smooth
			chunk = (int) Math.min(chunk, Math.max(1, faults.bytesPerSecond() / 100));
		}
		while (data.isReadable()) {
			int size = Math.min(chunk, data.readableBytes());
			ByteBuf piece = data.readRetainedSlice(size);
			if (faults.chunkSize() > 0 && this.lastSendNanos != 0) {
				at = Math.max(at, this.lastSendNanos + faults.chunkDelayNanos());
			}
			at = Math.max(at, this.freeAtNanos);
			if (faults.bytesPerSecond() > 0) {
				this.freeAtNanos = at + size * 1_000_000_000L / faults.bytesPerSecond();
			}
			this.lastSendNanos = at;
			this.queued += size;
			this.timed.add(new Timed(at, piece));
		}
		data.release();
		sendDue();
	}

	/**
	 * Send the chunks whose time has come, in order, and wake up for the next one. One
	 * queue and one timer per direction: timers of their own could fire out of order.
	 */
	private void sendDue() {
		long now = System.nanoTime();
		Timed head;
		while ((head = this.timed.peek()) != null && head.at() - now <= 0) {
			this.timed.poll();
			this.queued -= head.piece().readableBytes();
			send(head.piece());
		}
		if (head != null && !this.wakeUpScheduled) {
			this.wakeUpScheduled = true;
			this.link.loop().schedule(() -> {
				this.wakeUpScheduled = false;
				sendDue();
			}, head.at() - now, TimeUnit.NANOSECONDS);
		}
		refresh();
	}

	private void send(ByteBuf data) {
		if (this.link.faults.frozen() || !this.held.isEmpty()) {
			this.held.add(data);
			return;
		}
		write(data);
	}

	private void write(ByteBuf data) {
		if (this.destination.isActive()) {
			this.destination.writeAndFlush(data);
		}
		else {
			data.release();
		}
		closeIfDone();
	}

	/**
	 * Apply the current faults: read only when not frozen and not too far behind; let
	 * held data go once thawed.
	 */
	void refresh() {
		if (this.source == null) {
			return;
		}
		Faults faults = this.link.faults;
		if (!faults.frozen()) {
			ByteBuf data;
			while ((data = this.held.poll()) != null) {
				write(data);
			}
		}
		boolean read = !faults.frozen() && this.queued < FaultProxy.MAX_QUEUED_BYTES && this.destination.isWritable();
		if (this.source.config().isAutoRead() != read) {
			this.source.config().setAutoRead(read);
		}
		closeIfDone();
	}

	private void sourceClosed() {
		this.sourceClosed = true;
		if (this.destination == null) {
			return;
		}
		closeIfDone();
	}

	/**
	 * Release what waits to be written to a destination that is gone, frozen or not.
	 */
	private void destinationClosed() {
		ByteBuf data;
		while ((data = this.held.poll()) != null) {
			data.release();
		}
		Timed timed;
		while ((timed = this.timed.poll()) != null) {
			this.queued -= timed.piece().readableBytes();
			timed.piece().release();
		}
	}

	private void closeIfDone() {
		if (this.sourceClosed && this.queued == 0 && this.held.isEmpty() && !this.link.faults.frozen()) {
			this.destination.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		}
	}

	/**
	 * A chunk and the time it may be sent.
	 */
	private record Timed(long at, ByteBuf piece) {

	}

}
