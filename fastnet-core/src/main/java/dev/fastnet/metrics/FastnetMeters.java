package dev.fastnet.metrics;

/**
 * Names and tag keys of every meter fastnet publishes, in one place. Tags have bounded
 * cardinality: routes are tagged only when registered, unknown ones as {@code UNKNOWN}.
 *
 * @since 0.1.0
 */
public final class FastnetMeters {

	/** Gauge, tag {@code listener}: connections open now. */
	public static final String SERVER_CONNECTIONS = "fastnet.server.connections";

	/** Counter, tag {@code listener}: connections accepted. */
	public static final String SERVER_CONNECTIONS_ACCEPTED = "fastnet.server.connections.accepted";

	/** Counter, tag {@code reason}: connections closed at accept or for a reason. */
	public static final String SERVER_CONNECTIONS_REJECTED = "fastnet.server.connections.rejected";

	/**
	 * Counter, tag {@code reason} ({@code not_tls}, {@code timeout}, {@code closed},
	 * {@code failed}): connections closed because their TLS handshake failed.
	 */
	public static final String SERVER_TLS_HANDSHAKE_FAILURES = "fastnet.server.tls.handshake.failures";

	/** Timer, tags {@code route}, {@code status}, {@code outcome}: requests handled. */
	public static final String SERVER_REQUESTS = "fastnet.server.requests";

	/** Counter, tag {@code listener}: bytes of frames received. */
	public static final String SERVER_BYTES_READ = "fastnet.server.bytes.read";

	/** Counter, tag {@code listener}: bytes of frames sent. */
	public static final String SERVER_BYTES_WRITTEN = "fastnet.server.bytes.written";

	/**
	 * Counter, tag {@code listener}: requests on a compatibility listener whose answer its framing
	 * cannot carry (an ERROR, say); each closed its connection.
	 */
	public static final String SERVER_UNANSWERABLE = "fastnet.server.requests.unanswerable";

	/** Counter, tag {@code reason}: connections closed for a protocol violation. */
	public static final String SERVER_INVALID_FRAMES = "fastnet.server.frames.invalid";

	/** Gauge: bytes buffered for frames not complete yet, across all connections. */
	public static final String SERVER_PARTIAL_FRAMES = "fastnet.server.frames.partial";

	/** Gauge, tag {@code execution}: tasks waiting for a worker. */
	public static final String WORKERS_QUEUE_SIZE = "fastnet.server.workers.queue.size";

	/** Gauge, tag {@code execution}: workers running a handler. */
	public static final String WORKERS_ACTIVE = "fastnet.server.workers.active";

	/** Counter, tag {@code execution}: requests refused because the pool was full. */
	public static final String WORKERS_REJECTED = "fastnet.server.workers.rejected";

	/** Timer, tags {@code client}, {@code route}, {@code status}, {@code outcome}: client requests. */
	public static final String CLIENT_REQUESTS = "fastnet.client.requests";

	/** Gauge, tag {@code area} (heap, direct): bytes used by the pooled allocator. */
	public static final String BUFFERS_USED = "fastnet.buffers.used";

	/** Tag key of a server's listener: {@code default} for the one of {@code fastnet.server} itself. */
	public static final String TAG_LISTENER = "listener";

	/** Tag key of the route. */
	public static final String TAG_ROUTE = "route";

	/** Tag key of the wire status ("OK", "ONEWAY", "CLIENT_GONE" or the ERROR code). */
	public static final String TAG_STATUS = "status";

	/** Tag key of the outcome: SUCCESS, CLIENT_ERROR, SERVER_ERROR, APPLICATION_ERROR. */
	public static final String TAG_OUTCOME = "outcome";

	private FastnetMeters() {
	}

	/**
	 * Return the status tag value of a status reported to {@link FastnetMetricsRecorder}.
	 * @param status the status
	 * @return the tag value
	 */
	public static String statusTag(int status) {
		return switch (status) {
			case FastnetMetricsRecorder.STATUS_OK -> "OK";
			case FastnetMetricsRecorder.STATUS_ONEWAY -> "ONEWAY";
			case FastnetMetricsRecorder.STATUS_CLIENT_GONE -> "CLIENT_GONE";
			default -> Integer.toString(status);
		};
	}

	/**
	 * Return the outcome tag value of a status reported to {@link FastnetMetricsRecorder}.
	 * @param status the status
	 * @return the tag value
	 */
	public static String outcomeTag(int status) {
		if (status == FastnetMetricsRecorder.STATUS_OK || status == FastnetMetricsRecorder.STATUS_ONEWAY) {
			return "SUCCESS";
		}
		if (status == FastnetMetricsRecorder.STATUS_CLIENT_GONE) {
			return "CLIENT_GONE";
		}
		if (status >= 1000) {
			return "APPLICATION_ERROR";
		}
		return (status >= 500) ? "SERVER_ERROR" : "CLIENT_ERROR";
	}

}
