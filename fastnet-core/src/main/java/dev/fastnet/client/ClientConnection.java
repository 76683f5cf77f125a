package dev.fastnet.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import dev.fastnet.Status;
import dev.fastnet.internal.WriteBatcher;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of a client connection, and the connection as its pool sees it:
 * reserves slots for calls (lock-free), allocates request ids, correlates answers, times
 * requests out, answers and sends PINGs, evicts itself when idle or dead, and fails every
 * request in flight the moment the connection ends.
 * <p>
 * Fields without synchronisation are touched only on the connection's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(ClientConnection.class);

	/**
	 * A server close this soon after requests were written on an idle connection, with
	 * nothing read since, means the server had closed the idle connection before they
	 * arrived: they are sent again, once, on another connection.
	 */
	static final long STALE_CLOSE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/** Bytes beyond its payload asked for a small request in the gathering buffer. */
	private static final int GATHER_HEADROOM = 512;

	private static final long MIN_MAINTENANCE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final EndpointPool pool;

	private static final AtomicIntegerFieldUpdater<ClientConnection> IN_FLIGHT = AtomicIntegerFieldUpdater
		.newUpdater(ClientConnection.class, "inFlight");

	/** Slots held; a field of the connection, so that acquire reads one object less. */
	private volatile int inFlight;

	private final PendingRequests pending = new PendingRequests(this);

	/**
	 * Whether requests are encoded here, or as frames by a compatibility framing's
	 * encoder.
	 */
	private final boolean speaksFastnet;

	private final ArrayDeque<OutstandingPing> pings = new ArrayDeque<>(2);

	private volatile boolean active;

	private volatile boolean retired;

	private volatile boolean goAwayReceived;

	private volatile boolean confirmed;

	/**
	 * Whether the connection runs TLS: it joins its pool only with the server's first
	 * answer.
	 */
	private boolean tls;

	private volatile @Nullable ChannelHandlerContext ctx;

	private @Nullable WriteBatcher writer;

	private ResendBuffer.@Nullable Lane resendLane;

	private boolean closedByClient;

	private boolean resetByPeer;

	private boolean readSinceLastComplete;

	private long lastReadNanos;

	private long lastUsedNanos;

	private long writingAfterIdleSince;

	private @Nullable String closeReason;

	private @Nullable Throwable closeCause;

	private @Nullable ScheduledFuture<?> maintenance;

	/** Opened beside the governor's single attempt; the pool's count until opened. */
	boolean parallelAttempt;

	ClientConnection(EndpointPool pool) {
		this.pool = pool;
		this.speaksFastnet = pool.engine.config().framing().isFastnet();
	}

	// Slots (any thread)

	/**
	 * Reserve a slot for a call if fewer than {@code max} are in flight.
	 * @return {@code true} when reserved; the slot must be released exactly once
	 */
	boolean tryReserve(int max) {
		for (;;) {
			int current = this.inFlight;
			if (current >= max) {
				return false;
			}
			if (IN_FLIGHT.compareAndSet(this, current, current + 1)) {
				return true;
			}
		}
	}

	/**
	 * Release a slot; a retired connection closes with its last slot.
	 * @param serveWaiters whether to hand the free slot to calls waiting in the pool
	 */
	void release(boolean serveWaiters) {
		int left = IN_FLIGHT.decrementAndGet(this);
		if (this.retired) {
			if (left == 0) {
				closeQuietly();
			}
		}
		else if (serveWaiters && this.pool.hasWaiters()) {
			this.pool.drain();
		}
		if (left == 0) {
			this.pool.engine.checkDrained();
		}
	}

	int inFlight() {
		return this.inFlight;
	}

	EndpointPool pool() {
		return this.pool;
	}

	boolean isUsable() {
		return this.active && !this.retired;
	}

	boolean isConfirmed() {
		return this.confirmed;
	}

	boolean isTls() {
		return this.tls;
	}

	// Calls

	boolean inEventLoop() {
		return executor().inEventLoop();
	}

	EventExecutor executor() {
		return context().executor();
	}

	/**
	 * Return the event loop's share of the client's resend buffer. Event loop only.
	 */
	ResendBuffer.Lane resendLane() {
		ResendBuffer.Lane lane = this.resendLane;
		if (lane == null) {
			throw new IllegalStateException("Connection not in a pipeline yet");
		}
		return lane;
	}

	ChannelPromise newPromise() {
		return context().newPromise();
	}

	/**
	 * Write an assigned call, or send it elsewhere if this connection cannot take it any
	 * more (nothing was written, so that is safe). Event loop only.
	 */
	void send(Call call) {
		if (!isUsable()) {
			release(false);
			this.pool.engine.redispatch(call, null);
			return;
		}
		call.writeTo(this);
	}

	/**
	 * Note a request about to be written: return whether the connection is under
	 * suspicion of being stale, that is it was idle and has read nothing since requests
	 * were written on it. Event loop only.
	 */
	boolean writingAfterIdle(long now) {
		if (this.writingAfterIdleSince == 0 && this.pending.isEmpty()) {
			this.writingAfterIdleSince = now | 1;
		}
		return this.writingAfterIdleSince != 0;
	}

	/**
	 * Register a request about to be written and return its id. Event loop only.
	 */
	int register(RequestCall<?> call, long now) {
		this.lastUsedNanos = now;
		return this.pending.register(call);
	}

	/**
	 * Watch a written request's deadline with the connection's single timer. Event loop
	 * only.
	 * @return {@code false} when the deadline comes before one already queued: the
	 * request then needs a timer of its own
	 */
	boolean queueTimeout(RequestCall<?> call) {
		return this.pending.queueTimeout(call);
	}

	/**
	 * Forget a request that timed out, remembering its id to recognise a late answer.
	 * Event loop only.
	 * @return {@code true} when the request was still pending
	 */
	boolean expire(int id, RequestCall<?> call) {
		return this.pending.expire(id, call);
	}

	/**
	 * Write a frame; flushed at the end of the current read or by one flush task for all
	 * frames written meanwhile. Event loop only.
	 * @param frame the frame; ownership passes to the channel
	 */
	void write(Frame frame) {
		write(frame, context().voidPromise());
	}

	/**
	 * Write an encoded frame, batched as {@link #write(Frame)}. Event loop only.
	 * @param encoded the frame's bytes; ownership passes to the channel
	 */
	void write(ByteBuf encoded) {
		writer().write(encoded, context().voidPromise());
	}

	/**
	 * Encode a request whose payload is small straight into the buffer that gathers this
	 * turn's writes, batched as {@link #write(Frame)}. Event loop only.
	 * @param payload the payload, copied; released here
	 */
	void writeSmallRequest(int id, String route, Map<String, String> headers, long timeoutMillis, ByteBuf payload) {
		WriteBatcher writer = writer();
		// Room for the header, route and a few headers; the buffer grows if that is short
		ByteBuf out = writer.gatherBuffer(payload.readableBytes() + GATHER_HEADROOM);
		FrameEncoder.encodeRequest(out, id, route, headers, timeoutMillis, payload);
		writer.gathered();
	}

	boolean speaksFastnet() {
		return this.speaksFastnet;
	}

	ByteBufAllocator alloc() {
		return context().alloc();
	}

	void write(Frame frame, ChannelPromise promise) {
		writer().write(frame, promise);
	}

	private WriteBatcher writer() {
		WriteBatcher writer = this.writer;
		if (writer == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return writer;
	}

	/**
	 * Send a PING; a PONG must arrive within the timeout or the connection is closed.
	 * Event loop only.
	 * @param call the user's ping holding a slot, or {@code null} for the pool's own
	 */
	void ping(@Nullable PingCall call, long timeoutNanos) {
		OutstandingPing ping = new OutstandingPing(call, System.nanoTime());
		ping.timer = executor().schedule(() -> pingTimedOut(ping, timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS);
		this.pings.add(ping);
		write(Frame.control(FrameType.PING));
	}

	private void pingTimedOut(OutstandingPing ping, long timeoutNanos) {
		if (this.pings.contains(ping)) {
			String reason = (this.confirmed ? "after its PING was not answered within "
					: "after it answered nothing within the connect timeout of ")
					+ TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
			evict(reason, null);
		}
	}

	// Channel events

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.writer = new WriteBatcher(ctx);
		this.resendLane = this.pool.engine.resendLane(ctx.channel().eventLoop());
		this.tls = ctx.pipeline().get(SslHandler.class) != null;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		if (!this.tls) {
			activate();
		}
		ctx.fireChannelActive();
	}

	private void activate() {
		long now = System.nanoTime();
		this.lastReadNanos = now;
		this.lastUsedNanos = now;
		this.active = true;
		// The first PING proves that the server answers: a connection accepted and closed
		// at
		// once counts as a failed connect attempt
		ping(null, this.pool.engine.config().connectTimeout().toNanos());
		scheduleMaintenance(now);
		if (!this.tls) {
			this.pool.opened(this);
		}
		// With TLS the pool gets the connection with the server's first answer: under TLS
		// 1.3 a
		// server rejects a client certificate only after the client's side of the
		// handshake is
		// complete, and calls must not be written to a connection that is about to be
		// refused
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof SslHandshakeCompletionEvent completion) {
			if (completion.isSuccess()) {
				activate();
			}
			else {
				closeWith("after its TLS handshake failed: " + completion.cause().getMessage(),
						handshakeFailure(completion.cause()));
			}
		}
		ctx.fireUserEventTriggered(evt);
	}

	/**
	 * Return a failure of a TLS connection before the server's first answer as the
	 * handshake failure it is from the caller's view, whatever the provider or the TLS
	 * version reports.
	 */
	private SSLHandshakeException handshakeFailure(Throwable cause) {
		if (cause instanceof SSLHandshakeException handshake) {
			return handshake;
		}
		String detail = (cause.getMessage() != null) ? cause.getMessage() : "the server closed the connection";
		SSLHandshakeException failure = new SSLHandshakeException("TLS connection to " + this.pool.label()
				+ " failed before the server answered (a client certificate it refuses, say): " + detail);
		failure.initCause(cause);
		return failure;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof Frame frame)) {
			ctx.fireChannelRead(msg);
			return;
		}
		writer().reading();
		this.readSinceLastComplete = true;
		this.writingAfterIdleSince = 0;
		if (!this.confirmed) {
			this.confirmed = true;
			if (this.tls) {
				this.pool.opened(this);
			}
			this.pool.confirmed(this);
		}
		switch (frame.type()) {
			case RESPONSE, ERROR -> answer(frame);
			case PING -> {
				int id = frame.id();
				frame.release();
				write(Frame.pong(id));
			}
			case PONG -> {
				frame.release();
				pong();
			}
			case PUSH, ONEWAY -> this.pool.engine.deliverPush(frame);
			case GOAWAY -> {
				frame.release();
				logger.debug("Connection to " + this.pool.label() + " received GOAWAY");
				this.goAwayReceived = true;
				retire();
			}
			case REQUEST -> {
				int id = frame.id();
				String route = frame.route();
				frame.release();
				write(Frame.error(ctx.alloc(), id, Status.NOT_FOUND.code(),
						"No handler for route '" + route + "': a fastnet client serves no requests"));
			}
		}
	}

	private void answer(Frame frame) {
		RequestCall<?> call = this.pending.remove(frame.id());
		if (call == null) {
			if (this.pending.forgetExpired(frame.id())) {
				this.pool.lateResponses.increment();
			}
			else {
				this.pool.unknownResponses.increment();
				if (logger.isDebugEnabled()) {
					logger.debug("Dropped " + frame + " from " + this.pool.label() + ": no request with that id");
				}
			}
			frame.release();
			return;
		}
		release(true);
		// A request made by the answer's callback takes this connection first: written
		// with the
		// requests of the same read, it leaves in the same flush
		FastThreadLocal<ClientConnection> answering = this.pool.engine.answering;
		answering.set(this);
		try {
			call.answered(frame);
		}
		finally {
			answering.set(null);
		}
		this.pending.trimDeadlines();
	}

	private void pong() {
		OutstandingPing ping = this.pings.poll();
		if (ping == null) {
			return;
		}
		ScheduledFuture<?> timer = ping.timer;
		if (timer != null) {
			timer.cancel(false);
		}
		if (ping.call != null) {
			release(true);
			ping.call.ponged(System.nanoTime() - ping.sentNanos);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.readSinceLastComplete) {
			// Once per read, not per frame: the idle logic needs no finer clock
			this.readSinceLastComplete = false;
			this.lastReadNanos = System.nanoTime();
		}
		writer().readComplete();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable tlsFailure = (cause instanceof DecoderException) ? cause.getCause() : cause;
		if (this.tls && (tlsFailure instanceof SSLException || (!this.confirmed && cause instanceof IOException))) {
			logger.debug("TLS connection to " + this.pool.label() + " failed: " + tlsFailure);
			Throwable failure = (this.confirmed) ? tlsFailure : handshakeFailure(tlsFailure);
			closeWith("after a TLS failure: " + failure.getMessage(), failure);
		}
		else if (cause instanceof ProtocolException) {
			logger.warn("Closing connection to " + this.pool.label() + " after a protocol violation by the server: "
					+ cause.getMessage());
			closeWith("after a protocol violation by the server: " + cause.getMessage(), cause);
		}
		else if (cause instanceof IOException) {
			// A reset by the server: like a close by the server, not a decision of ours
			logger.debug("Connection to " + this.pool.label() + " failed: " + cause);
			this.resetByPeer = true;
			closeWith("after an I/O error: " + ((cause.getMessage() != null) ? cause.getMessage() : cause), cause);
		}
		else {
			logger.warn("Closing connection to " + this.pool.label() + " after an unexpected error", cause);
			closeWith("after an unexpected error: " + cause, cause);
		}
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		WriteBatcher writer = this.writer;
		if (writer != null) {
			writer.discard();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		writer().discard();
		if (this.tls && !this.confirmed && this.closeReason == null) {
			// Closed by the server before its first answer, without a TLS alert; a
			// connection
			// the client gave up on (no answer within the connect timeout) keeps its own
			// reason
			this.closeCause = handshakeFailure(new ClosedChannelException());
		}
		this.active = false;
		this.retired = true;
		ScheduledFuture<?> maintenance = this.maintenance;
		if (maintenance != null) {
			maintenance.cancel(false);
		}
		// The requests still pending are failed or sent again below
		List<RequestCall<?>> requests = this.pending.clear();
		RuntimeException failure = this.closedByClient ? this.pool.engine.closedFailure()
				: closedFailure(this.closeCause);
		boolean stale = !this.closedByClient && (this.closeReason == null || this.resetByPeer)
				&& this.writingAfterIdleSince != 0
				&& System.nanoTime() - this.writingAfterIdleSince < STALE_CLOSE_WINDOW_NANOS;
		if (stale && !requests.isEmpty()) {
			logger.debug("Connection to " + this.pool.label() + " was closed by the server before it answered "
					+ requests.size() + " requests written after it had been idle; sending them again");
		}
		for (RequestCall<?> call : requests) {
			release(false);
			if (stale && call.canResend()) {
				call.resend();
			}
			else {
				call.aborted(failure);
			}
		}
		OutstandingPing ping;
		while ((ping = this.pings.poll()) != null) {
			ScheduledFuture<?> timer = ping.timer;
			if (timer != null) {
				timer.cancel(false);
			}
			if (ping.call != null) {
				release(false);
				ping.call.fail(failure);
			}
		}
		this.pool.closed(this, this.closeCause);
		ctx.fireChannelInactive();
	}

	// Upkeep

	private void scheduleMaintenance(long now) {
		PoolOptions options = this.pool.options();
		long delay = options.maxIdleTime().toNanos() - (now - this.lastUsedNanos);
		long pingInterval = options.pingInterval().toNanos();
		if (pingInterval > 0) {
			long untilPing = this.pings.isEmpty() ? pingInterval - (now - this.lastReadNanos) : pingInterval;
			delay = Math.min(delay, untilPing);
		}
		this.maintenance = executor().schedule(this::maintain, Math.max(delay, MIN_MAINTENANCE_DELAY_NANOS),
				TimeUnit.NANOSECONDS);
	}

	private void maintain() {
		if (!this.active) {
			return;
		}
		long now = System.nanoTime();
		PoolOptions options = this.pool.options();
		if (this.inFlight == 0 && now - this.lastUsedNanos >= options.maxIdleTime().toNanos()) {
			if (this.pool.tryRemoveIdle(this)) {
				evict("after being idle for more than " + options.maxIdleTime().toMillis() + " ms", null);
				return;
			}
			// Kept for minIdle: counts as used so that the check does not repeat at once
			this.lastUsedNanos = now;
		}
		long pingInterval = options.pingInterval().toNanos();
		if (pingInterval > 0 && this.pings.isEmpty() && now - this.lastReadNanos >= pingInterval) {
			ping(null, options.pingTimeout().toNanos());
		}
		scheduleMaintenance(now);
	}

	/**
	 * Return whether the server announced it is draining.
	 * @return whether GOAWAY arrived on this connection
	 */
	boolean goAwayReceived() {
		return this.goAwayReceived;
	}

	/**
	 * Stop handing out this connection; it closes once its calls are done. Any thread.
	 */
	void retire() {
		if (this.retired) {
			return;
		}
		this.retired = true;
		this.pool.retired(this);
		if (this.inFlight == 0) {
			closeQuietly();
		}
	}

	/**
	 * Close the connection because the pool gave up on it. Event loop only.
	 */
	private void evict(String reason, @Nullable Throwable cause) {
		this.pool.connectionsEvicted.increment();
		logger.debug("Evicting connection to " + this.pool.label() + " " + reason);
		closeWith(reason, cause);
	}

	private void closeWith(String reason, @Nullable Throwable cause) {
		if (this.closeReason == null) {
			this.closeReason = reason;
			this.closeCause = cause;
		}
		this.retired = true;
		this.pool.retired(this);
		context().close();
	}

	private void closeQuietly() {
		ChannelHandlerContext ctx = this.ctx;
		if (ctx != null) {
			ctx.close();
		}
	}

	/**
	 * Close because the client is closing: calls still in flight fail with
	 * {@link ClientClosedException}. Any thread.
	 * @return completes when closed
	 */
	@Nullable ChannelFuture closeByClient() {
		ChannelHandlerContext ctx = this.ctx;
		if (ctx == null) {
			return null;
		}
		EventExecutor loop = ctx.executor();
		if (loop.inEventLoop()) {
			this.closedByClient = true;
		}
		else {
			try {
				loop.execute(() -> this.closedByClient = true);
			}
			catch (RejectedExecutionException ex) {
				return null;
			}
		}
		this.retired = true;
		return ctx.channel().close();
	}

	/**
	 * Return the failure for calls cut off by the end of this connection.
	 */
	ConnectionClosedException closedFailure(@Nullable Throwable cause) {
		String reason = this.closeReason;
		return new ConnectionClosedException("Connection to " + this.pool.label() + remote() + " closed "
				+ ((reason != null) ? reason : "by the server") + " before the answer arrived", cause);
	}

	private String remote() {
		ChannelHandlerContext ctx = this.ctx;
		SocketAddress remote = (ctx != null) ? ctx.channel().remoteAddress() : null;
		return (remote != null && !remote.toString().endsWith(this.pool.label())) ? " (" + remote + ")" : "";
	}

	/**
	 * Return the event loop of this connection, or {@code null} before it is initialised.
	 */
	@Nullable EventExecutor loopOrNull() {
		ChannelHandlerContext ctx = this.ctx;
		return (ctx != null) ? ctx.executor() : null;
	}

	private ChannelHandlerContext context() {
		ChannelHandlerContext ctx = this.ctx;
		if (ctx == null) {
			throw new IllegalStateException("Connection is not initialised");
		}
		return ctx;
	}

	@Override
	public String toString() {
		return "ClientConnection[" + this.pool.label() + ", inFlight=" + this.inFlight
				+ (this.retired ? ", retired" : "") + "]";
	}

	/**
	 * A PING waiting for its PONG; PONGs answer PINGs in order.
	 */
	private static final class OutstandingPing {

		final @Nullable PingCall call;

		final long sentNanos;

		@Nullable ScheduledFuture<?> timer;

		OutstandingPing(@Nullable PingCall call, long sentNanos) {
			this.call = call;
			this.sentNanos = sentNanos;
		}

	}

}
