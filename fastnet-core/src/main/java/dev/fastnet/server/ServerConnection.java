package dev.fastnet.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.fastnet.internal.WriteBatcher;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameTooLargeException;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of a server connection: turns frames into dispatches, writes answers
 * on the event loop and flushes them in batches, and is the connection's {@link Session}.
 * <p>
 * Fields without synchronisation are touched only on the connection's event loop.
 * <p>
 * While the server drains, the connection stays open after its GOAWAY until the peer
 * closes it, or until it has had nothing in flight and received nothing for the linger
 * time: a peer may have written requests before it read the GOAWAY, and each of them is
 * still answered (handled if admitted before, refused with 503 after).
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements Session {

	private static final Log logger = LogFactory.getLog(ServerConnection.class);

	private final long id;

	private final RequestDispatcher dispatcher;

	private final List<SessionListener> listeners;

	private @Nullable ChannelHandlerContext ctx;

	private @Nullable Channel channel;

	private volatile @Nullable Map<String, Object> attributes;

	private @Nullable WriteBatcher writer;

	private @Nullable LoopLane lane;

	private boolean goAwaySent;

	// Requests received and not answered yet
	private int unanswered;

	// Whether bytes arrived since the draining connection last looked at it
	private boolean readSinceCheck;

	private boolean draining;

	// Tells a check scheduled before a resume from the checks of a later drain
	private int drainGeneration;

	// PING enforcement, after gRPC's KeepAliveEnforcer: the last PING accepted, the
	// strikes
	// since, and whether the connection was used since that PING
	private boolean pinged;

	private long lastPingNanos;

	private int pingStrikes;

	private boolean answeredSincePing;

	private boolean closingForPings;

	ServerConnection(long id, RequestDispatcher dispatcher, List<SessionListener> listeners) {
		this.id = id;
		this.dispatcher = dispatcher;
		this.listeners = listeners;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.writer = new WriteBatcher(ctx);
		this.channel = ctx.channel();
		this.lane = this.dispatcher.lane(ctx.channel().eventLoop());
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.dispatcher.connectionOpened(this);
		for (SessionListener listener : this.listeners) {
			safely(() -> listener.onOpen(this));
		}
		if (this.dispatcher.isDraining()) {
			startDraining(this.dispatcher.lingerNanos());
		}
		ctx.fireChannelActive();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.dispatcher.connectionClosed(this);
		for (SessionListener listener : this.listeners) {
			safely(() -> listener.onClose(this));
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof Frame frame)) {
			ctx.fireChannelRead(msg);
			return;
		}
		writer().reading();
		switch (frame.type()) {
			case REQUEST, ONEWAY -> this.dispatcher.dispatch(this, frame);
			case PING -> {
				int id = frame.id();
				frame.release();
				if (pingAcceptable(ctx)) {
					write(Frame.pong(id));
				}
			}
			case PONG -> frame.release();
			default -> {
				FrameType type = frame.type();
				frame.release();
				exceptionCaught(ctx, new ProtocolException(ProtocolViolation.UNEXPECTED_TYPE,
						"A server does not accept " + type + " frames"));
			}
		}
	}

	/**
	 * Return whether a PING is answered. One that comes sooner than the minimum interval
	 * after the last one accepted, while no request is in flight and no answer was
	 * written since, is a strike; beyond the strikes forgiven, the connection gets GOAWAY
	 * and is closed.
	 */
	private boolean pingAcceptable(ChannelHandlerContext ctx) {
		if (this.closingForPings) {
			return false;
		}
		long minInterval = this.dispatcher.minPingIntervalNanos();
		if (minInterval == 0) {
			return true;
		}
		long now = ctx.executor().ticker().nanoTime();
		if (this.answeredSincePing) {
			// The peer uses the connection: its PINGs are keep-alives, not abuse
			this.answeredSincePing = false;
			this.pingStrikes = 0;
		}
		else if (this.unanswered <= 0 && this.pinged && now - this.lastPingNanos < minInterval) {
			if (++this.pingStrikes <= this.dispatcher.maxPingStrikes()) {
				return true;
			}
			closeForPings(ctx);
			return false;
		}
		this.pinged = true;
		this.lastPingNanos = now;
		return true;
	}

	private void closeForPings(ChannelHandlerContext ctx) {
		this.closingForPings = true;
		this.dispatcher.pingAbuse(ctx.channel(), this.pingStrikes);
		ctx.channel().config().setAutoRead(false);
		if (this.goAwaySent) {
			ctx.close();
		}
		else {
			this.goAwaySent = true;
			ctx.writeAndFlush(Frame.control(FrameType.GOAWAY)).addListener(ChannelFutureListener.CLOSE);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		// Once per read rather than per frame; a read that ends inside a frame counts too
		this.readSinceCheck = true;
		writer().readComplete();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		// Stop reading requests from a peer that does not read its answers: outbound
		// memory stays
		// bounded by the high water mark plus the answers already in progress.
		ctx.channel().config().setAutoRead(ctx.channel().isWritable());
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof IdleStateEvent) {
			this.dispatcher.idleClosed();
			for (SessionListener listener : this.listeners) {
				safely(() -> listener.onIdle(this));
			}
			logger.debug("Closing idle connection " + ctx.channel().remoteAddress());
			ctx.close();
			return;
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		for (SessionListener listener : this.listeners) {
			safely(() -> listener.onError(this, cause));
		}
		if (cause instanceof ProtocolException protocol) {
			this.dispatcher.protocolError(ctx.channel(), protocol);
			if (protocol instanceof FrameTooLargeException tooLarge && tooLarge.isIdKnown()) {
				ctx.writeAndFlush(Frame.error(ctx.alloc(), tooLarge.id(), tooLarge.status(), tooLarge.getMessage()))
					.addListener(ChannelFutureListener.CLOSE);
			}
			else {
				ctx.close();
			}
			return;
		}
		if (cause instanceof IOException) {
			// A peer that resets the connection is not worth a stack trace
			logger.debug("Connection " + ctx.channel().remoteAddress() + " failed: " + cause);
		}
		else {
			logger.warn("Closing connection " + ctx.channel().remoteAddress() + " after an unexpected error", cause);
		}
		ctx.close();
	}

	/**
	 * Write a frame on the event loop; flushed at the end of the current read or by one
	 * flush task for all answers queued meanwhile. Any thread.
	 */
	void write(Frame frame) {
		EventLoop loop = eventLoop();
		if (loop.inEventLoop()) {
			write0(frame);
		}
		else {
			try {
				loop.execute(() -> write0(frame));
			}
			catch (RejectedExecutionException ex) {
				frame.release();
			}
		}
	}

	/**
	 * Write an answer, a frame or its encoding, or release it when the connection is
	 * closed. Loop only.
	 * @return whether it was written
	 */
	boolean writeIfActive(Object answer) {
		this.unanswered--;
		this.answeredSincePing = true;
		if (!channel().isActive()) {
			ReferenceCountUtil.release(answer);
			return false;
		}
		writer().write(answer, context().voidPromise());
		return true;
	}

	/**
	 * Return the dispatcher's state for this connection's event loop.
	 */
	LoopLane lane() {
		LoopLane lane = this.lane;
		if (lane == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return lane;
	}

	/**
	 * A request that expects an answer arrived. Loop only.
	 */
	void requestReceived() {
		this.unanswered++;
	}

	/**
	 * Write the answer to a request refused before admission. Loop only.
	 */
	void answer(Frame answer) {
		this.unanswered--;
		this.answeredSincePing = true;
		write0(answer);
	}

	private void write0(Frame frame) {
		ChannelHandlerContext ctx = context();
		if (!ctx.channel().isActive()) {
			frame.release();
			return;
		}
		writer().write(frame, ctx.voidPromise());
	}

	private WriteBatcher writer() {
		WriteBatcher writer = this.writer;
		if (writer == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return writer;
	}

	void sendGoAway() {
		EventLoop loop = eventLoop();
		if (!loop.inEventLoop()) {
			loop.execute(this::sendGoAway);
			return;
		}
		if (!this.goAwaySent && channel().isActive()) {
			this.goAwaySent = true;
			context().writeAndFlush(Frame.control(FrameType.GOAWAY), context().voidPromise());
		}
	}

	/**
	 * Send GOAWAY and, with a linger time, close the connection once it has been idle
	 * that long. Any thread.
	 */
	void startDraining(long lingerNanos) {
		EventLoop loop = eventLoop();
		if (!loop.inEventLoop()) {
			loop.execute(() -> startDraining(lingerNanos));
			return;
		}
		sendGoAway();
		if (!this.draining) {
			this.draining = true;
			int generation = ++this.drainGeneration;
			if (lingerNanos > 0) {
				scheduleLingerCheck(generation, lingerNanos);
			}
		}
	}

	/**
	 * Serve requests again; a later drain sends GOAWAY again. Any thread.
	 */
	void stopDraining() {
		EventLoop loop = eventLoop();
		if (!loop.inEventLoop()) {
			loop.execute(this::stopDraining);
			return;
		}
		this.draining = false;
		this.goAwaySent = false;
	}

	private void scheduleLingerCheck(int generation, long lingerNanos) {
		this.readSinceCheck = false;
		eventLoop().schedule(() -> checkLinger(generation, lingerNanos), lingerNanos, TimeUnit.NANOSECONDS);
	}

	private void checkLinger(int generation, long lingerNanos) {
		Channel channel = channel();
		if (!this.draining || generation != this.drainGeneration || !channel.isActive()) {
			return;
		}
		ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
		boolean written = outbound == null || outbound.totalPendingWriteBytes() == 0;
		if (this.unanswered <= 0 && !this.readSinceCheck && written) {
			logger.debug("Closing draining connection " + channel.remoteAddress() + ": idle since its GOAWAY");
			context().close();
		}
		else {
			scheduleLingerCheck(generation, lingerNanos);
		}
	}

	EventLoop eventLoop() {
		return channel().eventLoop();
	}

	Channel channel() {
		Channel channel = this.channel;
		if (channel == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return channel;
	}

	private ChannelHandlerContext context() {
		ChannelHandlerContext ctx = this.ctx;
		if (ctx == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return ctx;
	}

	private void safely(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Session listener failed", ex);
		}
	}

	@Override
	public long id() {
		return this.id;
	}

	@Override
	public SocketAddress remoteAddress() {
		return channel().remoteAddress();
	}

	@Override
	public SocketAddress localAddress() {
		return channel().localAddress();
	}

	@Override
	public boolean isActive() {
		return channel().isActive();
	}

	@Override
	public @Nullable Object attribute(String name) {
		Map<String, Object> attributes = this.attributes;
		return (attributes != null) ? attributes.get(name) : null;
	}

	@Override
	public void attribute(String name, @Nullable Object value) {
		Map<String, Object> attributes = this.attributes;
		if (attributes == null) {
			synchronized (this) {
				attributes = this.attributes;
				if (attributes == null) {
					attributes = new ConcurrentHashMap<>();
					this.attributes = attributes;
				}
			}
		}
		if (value != null) {
			attributes.put(name, value);
		}
		else {
			attributes.remove(name);
		}
	}

	@Override
	public CompletableFuture<Void> push(String route, ByteBuf payload) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		Frame frame;
		try {
			frame = Frame.push(route, payload);
		}
		catch (IllegalArgumentException ex) {
			result.completeExceptionally(ex);
			return result;
		}
		Channel channel = channel();
		if (!channel.isActive()) {
			frame.release();
			result.completeExceptionally(new ClosedChannelException());
			return result;
		}
		channel.writeAndFlush(frame).addListener((future) -> {
			if (future.isSuccess()) {
				result.complete(null);
			}
			else {
				result.completeExceptionally(future.cause());
			}
		});
		return result;
	}

	@Override
	public CompletableFuture<Void> push(String route, byte[] payload) {
		return push(route, Unpooled.wrappedBuffer(payload));
	}

	@Override
	public CompletableFuture<Void> close() {
		CompletableFuture<Void> result = new CompletableFuture<>();
		channel().close().addListener((future) -> result.complete(null));
		return result;
	}

	@Override
	public String toString() {
		Channel channel = this.channel;
		return "Session[" + this.id + ((channel != null) ? " " + channel.remoteAddress() : "") + "]";
	}

}
