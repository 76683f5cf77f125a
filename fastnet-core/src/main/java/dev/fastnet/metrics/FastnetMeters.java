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
	 * Counter, tag {@code listener}: requests on a compatibility listener whose answer
	 * its framing cannot carry (an ERROR, say); each closed its connection.
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

	/**
	 * Timer, tags {@code client}, {@code route}, {@code status}, {@code outcome}: client
	 * requests.
	 */
	public static final String CLIENT_REQUESTS = "fastnet.client.requests";

	/** Gauge, tags {@code client}, {@code endpoint}: connections open to the endpoint. */
	public static final String CLIENT_POOL_OPEN = "fastnet.client.pool.open";

	/**
	 * Gauge, tags {@code client}, {@code endpoint}: open connections without requests in
	 * flight.
	 */
	public static final String CLIENT_POOL_IDLE = "fastnet.client.pool.idle";

	/**
	 * Gauge, tags {@code client}, {@code endpoint}: open connections with requests in
	 * flight.
	 */
	public static final String CLIENT_POOL_IN_USE = "fastnet.client.pool.in.use";

	/**
	 * Gauge, tags {@code client}, {@code endpoint}: requests waiting for a connection.
	 */
	public static final String CLIENT_POOL_PENDING = "fastnet.client.pool.pending";

	/** Gauge, tags {@code client}, {@code endpoint}: most connections to the endpoint. */
	public static final String CLIENT_POOL_MAX = "fastnet.client.pool.max";

	/**
	 * Timer, tags {@code client}, {@code endpoint}: time requests waited for a
	 * connection.
	 */
	public static final String CLIENT_POOL_ACQUIRE = "fastnet.client.pool.acquire";

	/**
	 * Gauge, tags {@code client}, {@code endpoint}: requests in flight to the endpoint.
	 */
	public static final String CLIENT_REQUESTS_IN_FLIGHT = "fastnet.client.requests.in.flight";

	/** Gauge, tags {@code client}, {@code endpoint}: 1 UP, 0.5 BACKOFF, 0 DOWN. */
	public static final String CLIENT_ENDPOINT_STATE = "fastnet.client.endpoint.state";

	/**
	 * Counter, tags {@code client}, {@code endpoint}: changes of the endpoint's state.
	 */
	public static final String CLIENT_ENDPOINT_STATE_CHANGES = "fastnet.client.endpoint.state.changes";

	/** Counter, tags {@code client}, {@code endpoint}: connect attempts. */
	public static final String CLIENT_CONNECT_ATTEMPTS = "fastnet.client.connect.attempts";

	/** Counter, tags {@code client}, {@code endpoint}: failed connect attempts. */
	public static final String CLIENT_CONNECT_FAILURES = "fastnet.client.connect.failures";

	/** Gauge, tag {@code area} (heap, direct): bytes used by the pooled allocator. */
	public static final String BUFFERS_USED = "fastnet.buffers.used";

	/**
	 * Tag key of a server's listener: {@code default} for the one of
	 * {@code fastnet.server} itself.
	 */
	public static final String TAG_LISTENER = "listener";

	/** Tag key of the route. */
	public static final String TAG_ROUTE = "route";

	/** Tag key of the wire status ("OK", "ONEWAY", "CLIENT_GONE" or the ERROR code). */
	public static final String TAG_STATUS = "status";

	/** Tag key of the outcome: SUCCESS, CLIENT_ERROR, SERVER_ERROR, APPLICATION_ERROR. */
	public static final String TAG_OUTCOME = "outcome";

	/** Tag key of a client's name. */
	public static final String TAG_CLIENT = "client";

	/** Tag key of a client's endpoint, as {@code host:port}. */
	public static final String TAG_ENDPOINT = "endpoint";

	/** Tag key of the reason a connection was rejected or a frame was invalid. */
	public static final String TAG_REASON = "reason";

	/** Tag key of where handlers run: {@code platform} or {@code virtual}. */
	public static final String TAG_EXECUTION = "execution";

	/** Tag key of the allocator's memory area: {@code heap} or {@code direct}. */
	public static final String TAG_AREA = "area";

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
	 * Return the outcome tag value of a status reported to
	 * {@link FastnetMetricsRecorder}.
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
