package dev.fastnet.metrics;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Receives per-request measurements from fastnet's server and client. Counters and gauges
 * are read from the stats objects instead; this SPI covers what needs a call per event.
 * Called on event-loop threads: implementations must be fast and must not block.
 *
 * @since 0.1.0
 */
public interface FastnetMetricsRecorder {

	/** Status reported for a successful request. */
	int STATUS_OK = 0;

	/** Status reported for a one-way message that was handled. */
	int STATUS_ONEWAY = 1;

	/** Status reported when the peer was gone before the answer could be written. */
	int STATUS_CLIENT_GONE = 2;

	/**
	 * Route tag used for routes that are not registered, keeping tag cardinality bounded.
	 */
	String UNKNOWN_ROUTE = "UNKNOWN";

	/** A recorder that does nothing. */
	FastnetMetricsRecorder NONE = new FastnetMetricsRecorder() {
	};

	/**
	 * A server received a request; called on the event loop before anything else happens
	 * to it. Observation-based recorders start their observation here, reading trace
	 * context from the headers.
	 * @param route the registered route, or {@link #UNKNOWN_ROUTE}
	 * @param headers the request's headers
	 * @return state handed back to {@link #serverHandlerScope} and
	 * {@link #serverRequest(Object, String, int, long)}, or {@code null}
	 */
	default @Nullable Object serverRequestStarted(String route, Map<String, String> headers) {
		return null;
	}

	/**
	 * A handler is about to run on the current thread for a request; the returned scope
	 * is closed on the same thread when the handler returns.
	 * @param request the state returned by {@link #serverRequestStarted}
	 * @return the scope
	 */
	default Scope serverHandlerScope(@Nullable Object request) {
		return Scope.NOOP;
	}

	/**
	 * A server finished a request it reported to {@link #serverRequestStarted}. By
	 * default delegates to {@link #serverRequest(String, int, long)}.
	 * @param request the state returned by {@link #serverRequestStarted}
	 * @param route the registered route, or {@link #UNKNOWN_ROUTE}
	 * @param status as for {@link #serverRequest(String, int, long)}
	 * @param durationNanos time from decoding the request to writing the answer
	 */
	default void serverRequest(@Nullable Object request, String route, int status, long durationNanos) {
		serverRequest(route, status, durationNanos);
	}

	/**
	 * A server finished a request.
	 * @param route the registered route, or {@link #UNKNOWN_ROUTE}
	 * @param status {@link #STATUS_OK}, {@link #STATUS_ONEWAY},
	 * {@link #STATUS_CLIENT_GONE} or the ERROR status sent
	 * @param durationNanos time from decoding the request to writing the answer
	 */
	default void serverRequest(String route, int status, long durationNanos) {
	}

	/**
	 * A client is about to send a request or one-way message. Observation-based recorders
	 * start their observation here and add trace context to the outgoing headers.
	 * @param route the route
	 * @param headers the request's headers; may be modified, and are sent as modified
	 * @return state handed back to {@link #clientRequest(Object, String, int, long)}, or
	 * {@code null}
	 */
	default @Nullable Object clientRequestStarted(String route, Map<String, String> headers) {
		return null;
	}

	/**
	 * A client finished a request it reported to {@link #clientRequestStarted}. By
	 * default delegates to {@link #clientRequest(String, int, long)}.
	 * @param request the state returned by {@link #clientRequestStarted}
	 * @param route the route
	 * @param status as for {@link #clientRequest(String, int, long)}
	 * @param durationNanos time from sending to completion
	 */
	default void clientRequest(@Nullable Object request, String route, int status, long durationNanos) {
		clientRequest(route, status, durationNanos);
	}

	/**
	 * A client finished a request.
	 * @param route the route
	 * @param status {@link #STATUS_OK} or the ERROR status received; timeouts and closed
	 * connections report 408 and 503
	 * @param durationNanos time from sending to completion
	 */
	default void clientRequest(String route, int status, long durationNanos) {
	}

	/**
	 * Something to close on the thread that opened it.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		/** A scope that does nothing. */
		Scope NOOP = () -> {
		};

		@Override
		void close();

	}

}
