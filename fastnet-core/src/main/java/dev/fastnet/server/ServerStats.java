package dev.fastnet.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.Status;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.worker.WorkerPool;

/**
 * Live figures of one server, readable at any time without locks.
 *
 * @since 0.1.0
 */
public final class ServerStats {

	final AtomicInteger connectionsOpen = new AtomicInteger();

	final LongAdder connectionsAccepted = new LongAdder();

	final LongAdder connectionsRejected = new LongAdder();

	final LongAdder connectionsIdleClosed = new LongAdder();

	final LongAdder connectionsFrameTimedOut = new LongAdder();

	final LongAdder connectionsPartialFramesClosed = new LongAdder();

	final LongAdder connectionsPingAbuse = new LongAdder();

	final AtomicLong partialFrameBytes = new AtomicLong();

	final LongAdder requestsOk = new LongAdder();

	final LongAdder onewayHandled = new LongAdder();

	final LongAdder applicationErrors = new LongAdder();

	final LongAdder clientGone = new LongAdder();

	final LongAdder lateResults = new LongAdder();

	private final LongAdder[] errorsByStatus = newAdders(Status.values().length);

	private final LongAdder[] invalidFrames = newAdders(ProtocolViolation.values().length);

	private final LongAdder[] tlsHandshakeFailures = newAdders(TlsHandshakeFailure.values().length);

	private final WorkerPool workers;

	private volatile List<ServerListener> listeners = List.of();

	ServerStats(WorkerPool workers) {
		this.workers = workers;
	}

	private static LongAdder[] newAdders(int count) {
		LongAdder[] adders = new LongAdder[count];
		for (int i = 0; i < count; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	void listeners(List<ServerListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Count a request that finished under its status.
	 * @param status as for
	 * {@link FastnetMetricsRecorder#serverRequest(String, int, long)}
	 */
	void requestFinished(int status) {
		switch (status) {
			case FastnetMetricsRecorder.STATUS_OK -> this.requestsOk.increment();
			case FastnetMetricsRecorder.STATUS_ONEWAY -> this.onewayHandled.increment();
			case FastnetMetricsRecorder.STATUS_CLIENT_GONE -> this.clientGone.increment();
			default -> error(status);
		}
	}

	private void error(int status) {
		Status known = Status.of(status);
		if (known != null) {
			this.errorsByStatus[known.ordinal()].increment();
		}
		else {
			this.applicationErrors.increment();
		}
	}

	void invalidFrame(ProtocolViolation violation) {
		this.invalidFrames[violation.ordinal()].increment();
	}

	void tlsHandshakeFailed(TlsHandshakeFailure failure) {
		this.tlsHandshakeFailures[failure.ordinal()].increment();
	}

	/**
	 * Return how many connections were closed because their TLS handshake failed for the
	 * given reason.
	 * @param failure the reason
	 * @return the count
	 */
	public long tlsHandshakeFailures(TlsHandshakeFailure failure) {
		return this.tlsHandshakeFailures[failure.ordinal()].sum();
	}

	/**
	 * Return how many connections were closed because their TLS handshake failed.
	 * @return the count, all reasons together
	 */
	public long tlsHandshakeFailures() {
		long sum = 0;
		for (LongAdder adder : this.tlsHandshakeFailures) {
			sum += adder.sum();
		}
		return sum;
	}

	/**
	 * @return connections open now
	 */
	public int connectionsOpen() {
		return this.connectionsOpen.get();
	}

	/**
	 * @return connections accepted since start
	 */
	public long connectionsAccepted() {
		return this.connectionsAccepted.sum();
	}

	/**
	 * @return connections closed at accept because the limit was reached
	 */
	public long connectionsRejected() {
		return this.connectionsRejected.sum();
	}

	/**
	 * @return connections closed by the idle timeout
	 */
	public long connectionsIdleClosed() {
		return this.connectionsIdleClosed.sum();
	}

	/**
	 * @return connections closed because a frame did not arrive within the frame timeout
	 */
	public long connectionsFrameTimedOut() {
		return this.connectionsFrameTimedOut.sum();
	}

	/**
	 * Return how many connections were closed because unfinished frames across all
	 * connections exceeded their limit; each held the largest unfinished frame when it
	 * was chosen.
	 * @return the count
	 */
	public long connectionsClosedForPartialFrames() {
		return this.connectionsPartialFramesClosed.sum();
	}

	/**
	 * Return how many connections were closed because they sent PINGs more often than the
	 * minimum PING interval allows, more times than forgiven.
	 * @return the count
	 */
	public long connectionsClosedForPingAbuse() {
		return this.connectionsPingAbuse.sum();
	}

	/**
	 * Return the bytes buffered now for frames not complete yet, across all connections;
	 * counted only while the server limits them.
	 * @return the bytes
	 */
	public long partialFrameBytes() {
		return this.partialFrameBytes.get();
	}

	/**
	 * @return bytes of frames received by every listener
	 */
	public long bytesRead() {
		long total = 0;
		for (ServerListener listener : this.listeners) {
			total += listener.bytesRead();
		}
		return total;
	}

	/**
	 * @return bytes of frames sent by every listener
	 */
	public long bytesWritten() {
		long total = 0;
		for (ServerListener listener : this.listeners) {
			total += listener.bytesWritten();
		}
		return total;
	}

	/**
	 * @return requests answered with RESPONSE
	 */
	public long requestsOk() {
		return this.requestsOk.sum();
	}

	/**
	 * @return one-way messages handled
	 */
	public long onewayHandled() {
		return this.onewayHandled.sum();
	}

	/**
	 * Return how many requests were answered with an ERROR of the given protocol status.
	 * @param status the status
	 * @return the count
	 */
	public long errors(Status status) {
		return this.errorsByStatus[status.ordinal()].sum();
	}

	/**
	 * @return requests answered with an application-defined status
	 */
	public long applicationErrors() {
		return this.applicationErrors.sum();
	}

	/**
	 * @return answers not written because the connection was already closed
	 */
	public long clientGone() {
		return this.clientGone.sum();
	}

	/**
	 * @return handler results discarded because the request had already timed out
	 */
	public long lateResults() {
		return this.lateResults.sum();
	}

	/**
	 * Return how many connections were closed for the given protocol violation.
	 * @param violation the violation
	 * @return the count
	 */
	public long invalidFrames(ProtocolViolation violation) {
		return this.invalidFrames[violation.ordinal()].sum();
	}

	/**
	 * @return every connection closed for a protocol violation
	 */
	public long invalidFrames() {
		long total = 0;
		for (LongAdder adder : this.invalidFrames) {
			total += adder.sum();
		}
		return total;
	}

	/**
	 * @return tasks waiting for a platform worker
	 */
	public int workerQueueSize() {
		return this.workers.queueSize();
	}

	/**
	 * @return capacity of the platform worker queue
	 */
	public int workerQueueCapacity() {
		return this.workers.options().queueCapacity();
	}

	/**
	 * @return platform workers running a handler
	 */
	public int workersActive() {
		return this.workers.activeWorkers();
	}

	/**
	 * @return handlers running on virtual threads
	 */
	public int virtualActive() {
		return this.workers.activeVirtual();
	}

	/**
	 * @return requests refused by the platform pool
	 */
	public long workerRejected() {
		return this.workers.platformRejected();
	}

	/**
	 * @return requests refused by the virtual-thread limit
	 */
	public long virtualRejected() {
		return this.workers.virtualRejected();
	}

}
