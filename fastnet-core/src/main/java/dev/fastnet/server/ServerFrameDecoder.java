package dev.fastnet.server;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameType;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The frame decoder of a server connection: remembers only registered routes; answers a
 * request whose headers exceed the configured limits with ERROR 400 without decoding
 * them, keeping the connection; and closes the connection when a frame does not arrive
 * within the frame timeout or its unfinished frame is the largest while those of all
 * connections exceed their limit.
 * <p>
 * Reads that end on a frame boundary cost nothing here. A read that leaves part of a
 * frame updates the server-wide total once, and the deadline is checked by one timer per
 * connection at most, rescheduled when it fires rather than for every frame.
 */
final class ServerFrameDecoder extends FrameDecoder {

	private final RequestDispatcher dispatcher;

	private final ServerConnection connection;

	private final PartialFrames partialFrames;

	private final long frameTimeoutNanos;

	private @Nullable ChannelHandlerContext ctx;

	/**
	 * Bytes accounted in the server-wide total; read by other event loops choosing whom
	 * to close.
	 */
	private volatile int bufferedBytes;

	private volatile boolean closing;

	private boolean registered;

	private boolean partial;

	private long partialSinceNanos;

	private @Nullable ScheduledFuture<?> deadline;

	ServerFrameDecoder(ServerConfig config, int maxFrameSize, LongAdder bytesRead, RequestDispatcher dispatcher,
			ServerConnection connection, PartialFrames partialFrames) {
		super(maxFrameSize, bytesRead, true, config.maxHeaderCount(), config.maxHeaderSize());
		this.dispatcher = dispatcher;
		this.connection = connection;
		this.partialFrames = partialFrames;
		this.frameTimeoutNanos = partialFrames.frameTimeoutNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		this.ctx = ctx;
		super.handlerAdded(ctx);
	}

	@Override
	protected boolean isCacheableRoute(String route) {
		return this.dispatcher.routes().get(route) != null;
	}

	@Override
	protected boolean headersRejected(ChannelHandlerContext ctx, Frame frame, String message) {
		if (frame.type() != FrameType.REQUEST && frame.type() != FrameType.ONEWAY) {
			// Nothing to answer: a control frame has no use for headers, let alone too
			// many
			return false;
		}
		this.dispatcher.refuseHeaders(this.connection, frame, message);
		return true;
	}

	@Override
	protected void partialFrame(ChannelHandlerContext ctx, int bufferedBytes, boolean sameFrame) {
		if (this.partialFrames.isLimited()) {
			account(bufferedBytes);
		}
		if (this.frameTimeoutNanos > 0) {
			this.partial = (bufferedBytes != 0);
			if (this.partial && !sameFrame) {
				this.partialSinceNanos = ctx.executor().ticker().nanoTime();
				if (this.deadline == null) {
					scheduleDeadline(ctx, this.frameTimeoutNanos);
				}
			}
		}
	}

	private void account(int bufferedBytes) {
		int delta = bufferedBytes - this.bufferedBytes;
		if (delta == 0) {
			return;
		}
		if (!this.registered) {
			this.registered = true;
			this.partialFrames.register(this);
		}
		this.bufferedBytes = bufferedBytes;
		this.partialFrames.add(delta);
	}

	private void scheduleDeadline(ChannelHandlerContext ctx, long delayNanos) {
		this.deadline = ctx.executor().schedule(() -> checkDeadline(ctx), delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Close the connection if its unfinished frame is overdue; otherwise wait for the
	 * deadline of the frame now unfinished, if any. Frames that completed meanwhile cost
	 * no timer.
	 */
	private void checkDeadline(ChannelHandlerContext ctx) {
		this.deadline = null;
		if (!this.partial || !ctx.channel().isActive()) {
			return;
		}
		long waited = ctx.executor().ticker().nanoTime() - this.partialSinceNanos;
		if (waited < this.frameTimeoutNanos) {
			scheduleDeadline(ctx, this.frameTimeoutNanos - waited);
			return;
		}
		this.partialFrames.timedOut(ctx.channel(), actualReadableBytes());
		ctx.close();
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
		ScheduledFuture<?> deadline = this.deadline;
		if (deadline != null) {
			deadline.cancel(false);
			this.deadline = null;
		}
		this.partial = false;
		if (this.registered) {
			account(0);
			this.partialFrames.unregister(this);
		}
		super.handlerRemoved0(ctx);
	}

	int bufferedBytes() {
		return this.bufferedBytes;
	}

	boolean isClosing() {
		return this.closing;
	}

	/**
	 * Close the connection to bring unfinished frames back under their limit. Any thread.
	 */
	void closeForLimit() {
		this.closing = true;
		ChannelHandlerContext ctx = this.ctx;
		if (ctx != null) {
			ctx.channel().close();
		}
	}

	@Nullable SocketAddress remoteAddress() {
		ChannelHandlerContext ctx = this.ctx;
		return (ctx != null) ? ctx.channel().remoteAddress() : null;
	}

}
