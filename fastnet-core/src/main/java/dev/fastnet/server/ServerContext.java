package dev.fastnet.server;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.FrameFormat;
import org.jspecify.annotations.Nullable;

/**
 * What the requests of one server read and report to: the limits of a request, where its
 * outcome is counted and timed, and the requests in flight that a graceful stop waits
 * for. One per server, built by its dispatcher and shared by every request it admits.
 */
final class ServerContext {

	private final ServerStats stats;

	private final FastnetMetricsRecorder recorder;

	private final boolean timed;

	private final long requestTimeoutNanos;

	private final int maxAnswerPayload;

	private final InFlightRequests inFlight;

	private final HandlerFailureLog handlerFailures = new HandlerFailureLog();

	ServerContext(ServerConfig config, ServerStats stats, FastnetMetricsRecorder recorder, InFlightRequests inFlight) {
		this.stats = stats;
		this.recorder = recorder;
		this.timed = recorder != FastnetMetricsRecorder.NONE;
		this.requestTimeoutNanos = config.requestTimeout().toNanos();
		// An answer has no route and no headers: only the fixed part precedes its payload
		this.maxAnswerPayload = config.maxFrameSize() - FrameFormat.HEADER_LENGTH;
		this.inFlight = inFlight;
	}

	/**
	 * Count and time a request that finished, admitted or refused. Any thread.
	 * @param observation the recorder's state for the request
	 * @param route the registered route, or {@link FastnetMetricsRecorder#UNKNOWN_ROUTE}
	 * @param status as for
	 * {@link FastnetMetricsRecorder#serverRequest(String, int, long)}
	 * @param startNanos when the request was received; read only when {@link #timed()}
	 */
	void requestFinished(@Nullable Object observation, String route, int status, long startNanos) {
		this.stats.requestFinished(status);
		if (this.timed) {
			this.recorder.serverRequest(observation, route, status, System.nanoTime() - startNanos);
		}
	}

	ServerStats stats() {
		return this.stats;
	}

	FastnetMetricsRecorder recorder() {
		return this.recorder;
	}

	/**
	 * Return whether requests are timed: only for a recorder, so that without one the
	 * clock is read only for requests with a deadline.
	 */
	boolean timed() {
		return this.timed;
	}

	/**
	 * Return how long a request may take before it is answered 408, zero for no limit.
	 */
	long requestTimeoutNanos() {
		return this.requestTimeoutNanos;
	}

	/**
	 * Return the largest answer payload that fits in a frame, in bytes.
	 */
	int maxAnswerPayload() {
		return this.maxAnswerPayload;
	}

	InFlightRequests inFlight() {
		return this.inFlight;
	}

	HandlerFailureLog handlerFailures() {
		return this.handlerFailures;
	}

}
