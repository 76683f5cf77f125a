package dev.fastnet.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.dispatch.RequestContext;
import dev.fastnet.dispatch.Route;
import dev.fastnet.internal.Payloads;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One admitted request, from admission to its single answer. Exactly one of the handler's
 * result, the request timeout and the deadline check completes it; whichever loses is
 * discarded and its buffers released. Once its answer is written or dropped, it counts
 * and times its own outcome and counts itself out of the requests in flight.
 */
final class InboundRequest implements Runnable, RequestContext {

	private static final Log logger = LogFactory.getLog(InboundRequest.class);

	static final long NO_DEADLINE = Long.MAX_VALUE;

	private static final int PENDING = 0;

	private static final int RUNNING = 1;

	private static final int DONE = 2;

	private static final AtomicIntegerFieldUpdater<InboundRequest> STATE = AtomicIntegerFieldUpdater
		.newUpdater(InboundRequest.class, "state");

	private final ServerConnection connection;

	private final Frame frame;

	private final Route route;

	private final ServerContext server;

	private final long startNanos;

	private final long deadlineNanos;

	private final @Nullable Object observation;

	private volatile int state = PENDING;

	private @Nullable Thread runner;

	private boolean timedOut;

	// Request-timeout list of the connection's LoopLane; loop only
	long timeoutAt;

	boolean tracked;

	@Nullable InboundRequest older;

	@Nullable InboundRequest newer;

	// The answer on its way to the loop, a Frame or its encoding; published by the lane's
	// queue
	private @Nullable Object answer;

	private int answerStatus;

	InboundRequest(ServerConnection connection, Frame frame, Route route, ServerContext server, long startNanos,
			long deadlineNanos, @Nullable Object observation) {
		this.connection = connection;
		this.observation = observation;
		this.frame = frame;
		this.route = route;
		this.server = server;
		this.startNanos = startNanos;
		this.deadlineNanos = deadlineNanos;
	}

	/**
	 * Return whether the request still waits for its answer.
	 */
	boolean isPending() {
		return this.state != DONE;
	}

	/**
	 * Run on a worker thread, which the request timeout may interrupt.
	 */
	@Override
	public void run() {
		execute(true);
	}

	/**
	 * Run on the event loop, which is never interrupted.
	 */
	void runOnEventLoop() {
		execute(false);
	}

	private void execute(boolean interruptible) {
		if (!interruptible) {
			// Fresh on this event loop: no other thread and no timer can see it yet
			STATE.lazySet(this, RUNNING);
		}
		else if (!STATE.compareAndSet(this, PENDING, RUNNING)) {
			// Timed out while queued, or abandoned
			this.frame.release();
			return;
		}
		if (this.deadlineNanos != NO_DEADLINE && System.nanoTime() - this.deadlineNanos >= 0) {
			this.frame.release();
			completeWithError(Status.DEADLINE_EXPIRED.code(), "Deadline expired before the handler started");
			return;
		}
		if (interruptible) {
			synchronized (lock()) {
				if (this.timedOut) {
					// Timed out between taking the request and publishing the runner: the
					// peer was
					// answered 408, so the handler must not run
					this.frame.release();
					return;
				}
				this.runner = Thread.currentThread();
			}
		}
		Object result = null;
		Throwable failure = null;
		try {
			result = invokeHandler();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			if (interruptible) {
				synchronized (lock()) {
					this.runner = null;
					if (this.timedOut) {
						// The timeout interrupted this thread; the interrupt must not hit
						// the next task
						Thread.interrupted();
					}
				}
			}
		}
		if (result != this.frame.payload()) {
			this.frame.release();
		}
		if (failure != null) {
			completeExceptionally(failure);
		}
		else if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					completeExceptionally(ex);
				}
				else {
					complete(value);
				}
			});
		}
		else if (!interruptible) {
			STATE.lazySet(this, DONE);
			answer(result);
		}
		else {
			complete(result);
		}
	}

	/**
	 * Call the route's handler inside the request's observation scope. The scope is only
	 * opened and closed around the call, never referenced in it, which is what the
	 * {@code try} lint reports.
	 */
	@SuppressWarnings("try")
	private @Nullable Object invokeHandler() throws Exception {
		try (FastnetMetricsRecorder.Scope scope = this.server.recorder().serverHandlerScope(this.observation)) {
			return this.route.handler().handle(this);
		}
	}

	/**
	 * Refuse a request that could not be admitted to a worker.
	 */
	void reject(Status status, String message) {
		if (STATE.compareAndSet(this, PENDING, DONE)) {
			this.frame.release();
			finishWithError(status.code(), message);
		}
	}

	/**
	 * Return the monitor that orders the runner's publication against the timeout's
	 * interrupt: the frame, which handlers never see, so that no user code can hold it.
	 */
	private Object lock() {
		return this.frame;
	}

	/**
	 * Release a request that was queued when its pool shut down.
	 */
	void abandon() {
		// Never run: the frame is still ours even when the timeout already answered
		boolean pending = STATE.compareAndSet(this, PENDING, DONE);
		this.frame.release();
		if (pending) {
			finish(null, FastnetMetricsRecorder.STATUS_CLIENT_GONE);
		}
	}

	/**
	 * Answer 408 unless answered already; called by the lane on the loop at the request
	 * timeout.
	 */
	void onTimeout() {
		int current;
		do {
			current = this.state;
			if (current == DONE) {
				return;
			}
		}
		while (!STATE.compareAndSet(this, current, DONE));
		if (current == RUNNING) {
			synchronized (lock()) {
				this.timedOut = true;
				Thread runner = this.runner;
				if (runner != null) {
					runner.interrupt();
				}
			}
		}
		// A request that times out while still queued keeps its frame until a worker
		// drops it
		finishWithError(Status.TIMEOUT.code(),
				"Request timed out after " + TimeUnit.NANOSECONDS.toMillis(this.server.requestTimeoutNanos()) + " ms");
	}

	private void complete(@Nullable Object value) {
		if (!STATE.compareAndSet(this, RUNNING, DONE)) {
			Payloads.release(value);
			lateResult();
			return;
		}
		answer(value);
	}

	/**
	 * Answer with a handler's result; the request is already {@code DONE}.
	 */
	private void answer(@Nullable Object value) {
		if (isOneway()) {
			Payloads.release(value);
			finish(null, FastnetMetricsRecorder.STATUS_ONEWAY);
			return;
		}
		ByteBuf payload;
		try {
			payload = Payloads.toByteBuf(alloc(), value);
		}
		catch (IllegalArgumentException ex) {
			Payloads.release(value);
			logger.warn("Handler of route '" + this.route.name() + "' returned an unsupported value", ex);
			finishWithError(Status.INTERNAL.code(), ex.getMessage());
			return;
		}
		int limit = this.server.maxAnswerPayload();
		if (payload.readableBytes() > limit) {
			// Sent anyway, it would make the peer close the connection and fail every
			// request on it
			int size = payload.readableBytes();
			payload.release();
			logger.warn("Handler of route '" + this.route.name() + "' answered " + size + " bytes, more than " + limit
					+ " bytes fit in a frame");
			finishWithError(Status.INTERNAL.code(), "Answer of " + size + " bytes exceeds the maximum of " + limit);
			return;
		}
		finish(FrameEncoder.encodeResponse(alloc(), this.frame.id(), payload), FastnetMetricsRecorder.STATUS_OK);
	}

	private void completeExceptionally(Throwable failure) {
		Throwable cause = unwrap(failure);
		int status;
		String message;
		if (cause instanceof FastnetException fastnet && fastnet.answersWithStatus()) {
			status = fastnet.status();
			message = fastnet.getMessage();
		}
		else {
			status = Status.INTERNAL.code();
			message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
			this.server.handlerFailures().failed(this.route.name(), cause);
		}
		completeWithError(status, message);
	}

	private void completeWithError(int status, @Nullable String message) {
		if (!STATE.compareAndSet(this, RUNNING, DONE)) {
			lateResult();
			return;
		}
		finishWithError(status, message);
	}

	/**
	 * Count a result that came after the request was answered, by its timeout or its
	 * deadline check.
	 */
	private void lateResult() {
		this.server.stats().lateResults.increment();
	}

	private void finishWithError(int status, @Nullable String message) {
		Frame answer = isOneway() ? null : Frame.error(alloc(), this.frame.id(), status, message);
		finish(answer, status);
	}

	/**
	 * Hand the answer (none for one-way requests) to the connection's loop. Any thread.
	 * @param answer a frame, or a RESPONSE already encoded
	 */
	private void finish(@Nullable Object answer, int status) {
		this.answerStatus = status;
		LoopLane lane = this.connection.lane();
		if (lane.loop().inEventLoop()) {
			this.answer = answer;
			deliver();
			return;
		}
		// Encoded here, on the thread that answered, so that the loop only writes bytes
		this.answer = (answer instanceof Frame frame) ? encode(frame) : answer;
		lane.complete(this);
	}

	private Object encode(Frame answer) {
		ByteBuf encoded;
		try {
			encoded = FrameEncoder.encode(alloc(), answer);
		}
		catch (RuntimeException ex) {
			// Left to the pipeline's encoder, which fails the write the same way
			return answer;
		}
		answer.release();
		return encoded;
	}

	/**
	 * Write the answer and report the request. Loop only.
	 */
	void deliver() {
		this.connection.lane().untrack(this);
		Object answer = this.answer;
		this.answer = null;
		int status = this.answerStatus;
		if (answer != null && !this.connection.writeIfActive(answer)) {
			status = FastnetMetricsRecorder.STATUS_CLIENT_GONE;
		}
		report(status);
	}

	/**
	 * Report a request whose loop is gone; its answer cannot be written.
	 */
	void connectionGone() {
		Object answer = this.answer;
		this.answer = null;
		Payloads.release(answer);
		report(FastnetMetricsRecorder.STATUS_CLIENT_GONE);
	}

	/**
	 * Count and time the request's outcome, then count it out of the requests in flight,
	 * which may end a graceful stop. Once per request, after its answer was written or
	 * dropped.
	 */
	private void report(int status) {
		this.server.requestFinished(this.observation, this.route.name(), status, this.startNanos);
		this.server.inFlight().remove();
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Override
	public Session session() {
		return this.connection;
	}

	@Override
	public FrameType type() {
		return this.frame.type();
	}

	@Override
	public int id() {
		return this.frame.id();
	}

	@Override
	public String route() {
		return this.route.name();
	}

	@Override
	public Map<String, String> headers() {
		return this.frame.headers();
	}

	@Override
	public ByteBuf payload() {
		return this.frame.payload();
	}

	@Override
	public byte[] payloadBytes() {
		return ByteBufUtil.getBytes(this.frame.payload());
	}

	@Override
	public String payloadString() {
		return this.frame.payload().toString(StandardCharsets.UTF_8);
	}

	@Override
	public ByteBufAllocator alloc() {
		return this.connection.channel().alloc();
	}

	@Override
	public long remainingNanos() {
		return (this.deadlineNanos != NO_DEADLINE) ? this.deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
	}

	@Override
	public String toString() {
		return "Request[" + this.frame.type() + " id=" + this.frame.id() + " route='" + this.route.name() + "']";
	}

}
