package dev.fastnet.client;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A REQUEST: holds its payload until written, then waits in its connection's pending map
 * for the RESPONSE or ERROR with its id, its timeout or the connection's end.
 *
 * @param <R> the type of the answer the caller gets
 */
final class RequestCall<R> extends Call {

	/** Answers with the payload copied out of the frame. */
	static final AnswerReader<Reply> COPY = (frame) -> Reply.trusted(ByteBufUtil.getBytes(frame.payload()),
			frame.headers());

	/** Answers with the frame's payload buffer, retained for the caller. */
	static final AnswerReader<ByteBufReply> RETAIN = (frame) -> new ByteBufReply(frame.payload().retain(),
			frame.headers());

	final CompletableFuture<R> future = new CompletableFuture<>();

	private final AnswerReader<R> reader;

	private final Map<String, String> headers;

	private final boolean sendTimeout;

	private @Nullable ByteBuf payload;

	/**
	 * The payload kept after writing, to send again if the connection proves stale or its
	 * server refuses the request while draining; only while the client's resend buffer
	 * has room for it.
	 */
	private @Nullable ByteBuf kept;

	/** The size of the kept payload, as counted in the resend buffer. */
	private int keptBytes;

	/** Whether the request was written on a connection that had been idle. */
	private boolean suspect;

	private int resends;

	private int id;

	private @Nullable ClientConnection sentOn;

	private @Nullable ScheduledFuture<?> timeoutTask;

	/**
	 * Create a request.
	 * @param payload the payload; ownership passes to the call, which releases it when it
	 * fails before being written
	 */
	RequestCall(ClientEngine engine, String route, Map<String, String> headers, ByteBuf payload, long timeoutNanos,
			boolean sendTimeout, AnswerReader<R> reader) {
		super(engine, route, timeoutNanos);
		this.reader = reader;
		this.headers = headers;
		this.payload = payload;
		this.sendTimeout = sendTimeout;
	}

	@Override
	void writeTo(ClientConnection connection) {
		long now = System.nanoTime();
		long remaining = this.deadlineNanos - now;
		if (remaining <= 0) {
			connection.release(true);
			fail(timeoutFailure("Request"));
			return;
		}
		ByteBuf payload = this.payload;
		this.payload = null;
		this.sentOn = connection;
		this.suspect = connection.writingAfterIdle(now);
		if (payload != null && this.resends <= connection.pool().options().maxConnections()) {
			int size = payload.readableBytes();
			if (connection.resendLane().tryKeep(size)) {
				this.kept = payload.retain();
				this.keptBytes = size;
			}
		}
		this.id = connection.register(this, now);
		if (!connection.queueTimeout(this)) {
			this.timeoutTask = connection.executor().schedule(this::timedOut, remaining, TimeUnit.NANOSECONDS);
		}
		long timeoutMillis = this.sendTimeout ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)) : 0;
		if (connection.speaksFastnet()) {
			if (payload != null && FrameEncoder.copiesPayload(payload.readableBytes())) {
				connection.writeSmallRequest(this.id, this.route, this.headers, timeoutMillis, payload);
			}
			else {
				connection.write(FrameEncoder.encodeRequest(connection.alloc(), this.id, this.route, this.headers,
						timeoutMillis, payload));
			}
		}
		else {
			// A compatibility framing's encoder takes frames; it sends neither route nor
			// headers
			connection.write(Frame.request(this.id, this.route, this.headers, payload));
		}
	}

	/**
	 * The answer arrived (event loop); the connection removed the call and released its
	 * slot.
	 * @param frame the RESPONSE or ERROR; released here
	 */
	void answered(Frame frame) {
		if (isRefusedByDrainingServer(frame)) {
			// The server answered 503 after sending GOAWAY: the request never reached a
			// handler,
			// so another connection (or server) may take it
			frame.release();
			resend();
			return;
		}
		cancelTimeout();
		releaseKept();
		try {
			if (frame.type() == FrameType.RESPONSE) {
				R reply = this.reader.read(frame);
				record(FastnetMetricsRecorder.STATUS_OK, null);
				if (!this.future.complete(reply)) {
					// Cancelled by the caller: nobody will release a retained answer
					ReferenceCountUtil.release(reply);
				}
			}
			else {
				FastnetRemoteException failure;
				try {
					failure = new FastnetRemoteException(frame.errorStatus(), frame.errorMessage());
				}
				catch (ProtocolException ex) {
					failure = new FastnetRemoteException(500, "Malformed ERROR answer: " + ex.getMessage());
				}
				record(failure.status(), failure);
				this.future.completeExceptionally(failure);
			}
		}
		finally {
			frame.release();
		}
	}

	/**
	 * Return whether this request was written on the connection and still waits for its
	 * answer. Event loop of that connection only.
	 */
	boolean awaitsAnswerOn(ClientConnection connection) {
		return this.sentOn == connection && !this.future.isDone();
	}

	/**
	 * The request's time ran out (event loop of the connection it was written on).
	 */
	void timedOut() {
		ClientConnection connection = this.sentOn;
		if (connection != null && connection.expire(this.id, this)) {
			releaseKept();
			connection.release(true);
			fail(timeoutFailure("Request"));
		}
	}

	/**
	 * The connection ended before the answer (event loop); the slot was released.
	 */
	void aborted(Throwable failure) {
		cancelTimeout();
		fail(failure);
	}

	/**
	 * Return whether the request can be sent again after its connection proved stale.
	 */
	boolean canResend() {
		return this.kept != null && this.suspect;
	}

	private boolean isRefusedByDrainingServer(Frame frame) {
		ClientConnection connection = this.sentOn;
		return this.kept != null && connection != null && connection.goAwayReceived() && frame.type() == FrameType.ERROR
				&& frame.payload().readableBytes() >= 2 && frame.errorStatus() == dev.fastnet.Status.UNAVAILABLE.code();
	}

	/**
	 * Send the request again on another connection (event loop); the slot was released.
	 * Only for a request that never reached a handler: written on a connection that had
	 * been idle and that the server closed before answering anything, or refused with 503
	 * by a server that had sent GOAWAY. Bounded: not more often than the pool has
	 * connections.
	 */
	void resend() {
		cancelTimeout();
		this.payload = this.kept;
		this.kept = null;
		unkeep();
		this.resends++;
		this.sentOn = null;
		this.engine.redispatch(this, null);
	}

	private void releaseKept() {
		ByteBuf kept = this.kept;
		if (kept != null) {
			this.kept = null;
			unkeep();
			kept.release();
		}
	}

	/**
	 * Give the kept payload's room back to the resend buffer, on the event loop of the
	 * connection it was written on, as every path that drops it runs there.
	 */
	private void unkeep() {
		ClientConnection connection = this.sentOn;
		if (connection != null) {
			connection.resendLane().release(this.keptBytes);
		}
		this.keptBytes = 0;
	}

	private void cancelTimeout() {
		ScheduledFuture<?> task = this.timeoutTask;
		if (task != null) {
			task.cancel(false);
		}
	}

	@Override
	void fail(Throwable failure) {
		releaseKept();
		ByteBuf payload = this.payload;
		if (payload != null) {
			this.payload = null;
			payload.release();
		}
		record(statusOf(failure), failure);
		this.future.completeExceptionally(failure);
	}

	/**
	 * Turns a RESPONSE into the answer the caller gets.
	 */
	@FunctionalInterface
	interface AnswerReader<R> {

		/**
		 * Read the answer; the frame stays owned by the caller, which releases it.
		 */
		R read(Frame frame);

	}

}
