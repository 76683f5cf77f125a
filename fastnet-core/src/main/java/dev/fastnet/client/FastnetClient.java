package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import org.jspecify.annotations.Nullable;

/**
 * A pooled, multiplexed fastnet client. Keeps a pool of connections per endpoint, sends
 * many requests on each connection at once, balances calls over healthy endpoints, and
 * reconnects lazily with backoff. Calls never hang: each ends with its answer or a typed
 * {@link FastnetException}: {@link FastnetRemoteException} for an ERROR answer,
 * {@link FastnetTimeoutException}, {@link ConnectionClosedException},
 * {@link PendingAcquireTimeoutException}, {@link PendingAcquireLimitException},
 * {@link FastnetConnectException} (and its {@link NoEndpointAvailableException}) or
 * {@link ClientClosedException}.
 * <p>
 * Futures complete on the I/O thread of the connection: dependent stages added without an
 * executor run there and must not block (use the {@code *Async} variants for slow work).
 * <p>
 * Each client owns its event loops and releases them when closed.
 *
 * <pre>{@code
 * try (FastnetClient client = FastnetClient.create(ClientConfig.builder().endpoint("localhost", 7000).build())) {
 *     Reply reply = client.requestBlocking("echo", "hello".getBytes(StandardCharsets.UTF_8));
 *     client.request("kv.get", Map.of(), key, Duration.ofMillis(50))
 *         .thenAccept((answer) -> System.out.println(answer.payloadString()));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FastnetClient implements AutoCloseable {

	/** Room kept in the headers block for the {@code timeout-ms} header. */
	private static final int TIMEOUT_HEADER_RESERVE = 1 + FrameFormat.HEADER_TIMEOUT_MS.length() + 2 + 20;

	private final ClientEngine engine;

	private FastnetClient(Builder builder) {
		this.engine = new ClientEngine(builder.config, builder.recorder, builder.pushListeners,
				builder.pipelineCustomizer, builder.allocator);
	}

	/**
	 * Return the engine, for the pool benchmarks in this package.
	 */
	ClientEngine engine() {
		return this.engine;
	}

	/**
	 * Create a client; connections to reach {@link PoolOptions#minIdle()} are opened at
	 * once, others when needed.
	 * @param config the configuration
	 * @return the client
	 */
	public static FastnetClient create(ClientConfig config) {
		return builder(config).build();
	}

	/**
	 * Return a builder for a client with the given configuration.
	 * @param config the configuration
	 * @return a new builder
	 */
	public static Builder builder(ClientConfig config) {
		return new Builder(config);
	}

	// Requests

	/**
	 * Send a request with the configured request timeout.
	 * @param route the route
	 * @param payload the payload; must not be modified until the returned future
	 * completes
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 */
	public CompletableFuture<Reply> request(String route, byte[] payload) {
		Objects.requireNonNull(payload, "payload");
		return request(route, Map.of(), Unpooled.wrappedBuffer(payload), null);
	}

	/**
	 * Send a request with headers and an optional timeout of its own.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; must not be modified until the returned future
	 * completes
	 * @param timeout the call's timeout, sent to the server as the {@code timeout-ms}
	 * header; or {@code null} for the configured request timeout (not sent)
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 */
	public CompletableFuture<Reply> request(String route, Map<String, String> headers, byte[] payload,
			@Nullable Duration timeout) {
		Objects.requireNonNull(payload, "payload");
		return request(route, headers, Unpooled.wrappedBuffer(payload), timeout);
	}

	/**
	 * Send a request whose payload is a buffer.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; ownership passes to the client, which releases it in
	 * every case
	 * @param timeout the call's timeout, sent to the server as the {@code timeout-ms}
	 * header; or {@code null} for the configured request timeout (not sent)
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 * @throws IllegalArgumentException when the route or a header is too long (the
	 * payload is released)
	 */
	public CompletableFuture<Reply> request(String route, Map<String, String> headers, ByteBuf payload,
			@Nullable Duration timeout) {
		return send(route, headers, payload, timeout, RequestCall.COPY);
	}

	/**
	 * Send a request whose answer keeps its payload in the buffer it arrived in: no copy.
	 * The caller owns the {@link ByteBufReply} it gets and must release it, also when it
	 * does not read it; a future cancelled before the answer arrives releases the answer
	 * itself.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; ownership passes to the client, which releases it in
	 * every case
	 * @param timeout the call's timeout, sent to the server as the {@code timeout-ms}
	 * header; or {@code null} for the configured request timeout (not sent)
	 * @return completes with the answer, or exceptionally with a {@link FastnetException}
	 * @throws IllegalArgumentException when the route or a header is too long (the
	 * payload is released)
	 */
	public CompletableFuture<ByteBufReply> requestRetained(String route, Map<String, String> headers, ByteBuf payload,
			@Nullable Duration timeout) {
		return send(route, headers, payload, timeout, RequestCall.RETAIN);
	}

	private <R> CompletableFuture<R> send(String route, Map<String, String> headers, ByteBuf payload,
			@Nullable Duration timeout, RequestCall.AnswerReader<R> reader) {
		Objects.requireNonNull(payload, "payload");
		try {
			checkMessage(route, headers);
		}
		catch (RuntimeException ex) {
			payload.release();
			throw ex;
		}
		ClientConfig config = this.engine.config();
		long timeoutNanos = (timeout != null) ? timeout.toNanos() : config.requestTimeout().toNanos();
		Map<String, String> sent = copy(headers);
		Object observation = null;
		FastnetMetricsRecorder recorder = this.engine.recorder;
		if (recorder != FastnetMetricsRecorder.NONE) {
			sent = new LinkedHashMap<>(sent);
			observation = recorder.clientRequestStarted(route, sent);
		}
		RequestCall<R> call = new RequestCall<>(this.engine, route, sent, payload, timeoutNanos, timeout != null,
				reader);
		call.observation = observation;
		if (timeoutNanos <= 0) {
			call.fail(call.timeoutFailure("Request"));
			return call.future;
		}
		this.engine.dispatch(call);
		return call.future;
	}

	/**
	 * Send a request and wait for its answer.
	 * @param route the route
	 * @param payload the payload
	 * @return the answer
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 * @throws FastnetException the failure, unwrapped: {@link FastnetRemoteException},
	 * {@link FastnetTimeoutException}, {@link ConnectionClosedException} and so on
	 */
	public Reply requestBlocking(String route, byte[] payload) {
		this.engine.checkNotOnIoThread("requestBlocking");
		return await(request(route, payload), route);
	}

	/**
	 * Send a request with headers and an optional timeout of its own, and wait for its
	 * answer.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload
	 * @param timeout the call's timeout, or {@code null} for the configured request
	 * timeout
	 * @return the answer
	 * @throws FastnetException the failure, unwrapped
	 */
	public Reply requestBlocking(String route, Map<String, String> headers, byte[] payload,
			@Nullable Duration timeout) {
		this.engine.checkNotOnIoThread("requestBlocking");
		return await(request(route, headers, payload, timeout), route);
	}

	private static <T> T await(CompletableFuture<T> future, String route) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new FastnetException(Status.INTERNAL.code(), "Request '" + route + "' failed", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new FastnetException(Status.UNAVAILABLE.code(), "Interrupted while waiting for '" + route + "'", ex);
		}
	}

	/**
	 * Send a one-way message: no answer is ever sent.
	 * @param route the route
	 * @param payload the payload; must not be modified until the returned future
	 * completes
	 * @return completes when the message is written to the connection
	 */
	public CompletableFuture<Void> oneway(String route, byte[] payload) {
		Objects.requireNonNull(payload, "payload");
		return oneway(route, Map.of(), Unpooled.wrappedBuffer(payload));
	}

	/**
	 * Send a one-way message with headers.
	 * @param route the route
	 * @param headers the headers, empty for none
	 * @param payload the payload; ownership passes to the client
	 * @return completes when the message is written to the connection
	 */
	public CompletableFuture<Void> oneway(String route, Map<String, String> headers, ByteBuf payload) {
		Objects.requireNonNull(payload, "payload");
		try {
			checkMessage(route, headers);
		}
		catch (RuntimeException ex) {
			payload.release();
			throw ex;
		}
		Map<String, String> sent = copy(headers);
		Object observation = null;
		FastnetMetricsRecorder recorder = this.engine.recorder;
		if (recorder != FastnetMetricsRecorder.NONE) {
			sent = new LinkedHashMap<>(sent);
			observation = recorder.clientRequestStarted(route, sent);
		}
		OnewayCall call = new OnewayCall(this.engine, route, sent, payload,
				this.engine.config().requestTimeout().toNanos());
		call.observation = observation;
		this.engine.dispatch(call);
		return call.future;
	}

	/**
	 * Send a PING on a pooled connection (opening one if needed).
	 * @return completes with the round-trip time when the PONG arrives
	 */
	public CompletableFuture<Duration> ping() {
		PingCall call = new PingCall(this.engine, this.engine.config().pool().pingTimeout().toNanos());
		this.engine.dispatch(call);
		return call.future;
	}

	private static void checkMessage(String route, Map<String, String> headers) {
		Objects.requireNonNull(route, "route");
		Objects.requireNonNull(headers, "headers");
		if (route.length() > FrameFormat.MAX_ROUTE_LENGTH
				|| ByteBufUtil.utf8Bytes(route) > FrameFormat.MAX_ROUTE_LENGTH) {
			throw new IllegalArgumentException(
					"route must be at most " + FrameFormat.MAX_ROUTE_LENGTH + " UTF-8 bytes: " + route);
		}
		if (headers.isEmpty()) {
			return;
		}
		int block = 0;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			String key = Objects.requireNonNull(header.getKey(), "header key");
			String value = Objects.requireNonNull(header.getValue(), "header value");
			int keyLength = ByteBufUtil.utf8Bytes(key);
			int valueLength = ByteBufUtil.utf8Bytes(value);
			if (keyLength > 255) {
				throw new IllegalArgumentException("header key must be at most 255 UTF-8 bytes: " + key);
			}
			if (valueLength > 0xFFFF) {
				throw new IllegalArgumentException("header value must be at most 65535 UTF-8 bytes: " + valueLength);
			}
			block += 1 + keyLength + 2 + valueLength;
		}
		if (block > FrameFormat.MAX_HEADERS_BLOCK - TIMEOUT_HEADER_RESERVE) {
			throw new IllegalArgumentException("headers must fit in "
					+ (FrameFormat.MAX_HEADERS_BLOCK - TIMEOUT_HEADER_RESERVE) + " bytes: " + block);
		}
	}

	private static Map<String, String> copy(Map<String, String> headers) {
		return headers.isEmpty() ? Map.of() : new LinkedHashMap<>(headers);
	}

	// Pushes

	/**
	 * Register the listener of a route's pushed messages, replacing any previous one.
	 * @param route the route
	 * @param listener the listener; runs on an I/O thread and must not block
	 */
	public void onPush(String route, PushListener listener) {
		Objects.requireNonNull(route, "route");
		Objects.requireNonNull(listener, "listener");
		this.engine.onPush(route, listener);
	}

	// Endpoints

	/**
	 * Replace the endpoints, for service discovery. Pools of endpoints that stay are
	 * kept; removed endpoints are drained gracefully: no new calls go to them, calls
	 * waiting there move to the others, and their connections close once their requests
	 * are answered.
	 * @param endpoints the new endpoints, possibly empty
	 * @throws ClientClosedException when the client is closed
	 */
	public void updateEndpoints(List<InetSocketAddress> endpoints) {
		this.engine.updateEndpoints(endpoints);
	}

	/**
	 * Register a listener told the new endpoint list whenever {@link #updateEndpoints}
	 * changes it; for example to meter new endpoints. Called on the thread that updates
	 * the endpoints.
	 * @param listener the listener
	 */
	public void onEndpointsChanged(Consumer<List<InetSocketAddress>> listener) {
		this.engine.onEndpointsChanged(Objects.requireNonNull(listener, "listener"));
	}

	// Lifecycle

	/**
	 * Close gracefully: new calls and calls still waiting for a connection fail with
	 * {@link ClientClosedException}; requests already sent get their answers for up to
	 * the grace period, then the remaining ones fail and every connection closes. No
	 * connection is opened once this is called. Idempotent: every call returns the same
	 * future.
	 * @param grace how long requests in flight may take
	 * @return completes when every connection and thread of the client is gone
	 */
	public CompletableFuture<Void> closeGracefully(Duration grace) {
		return this.engine.closeGracefully(Objects.requireNonNull(grace, "grace"));
	}

	/**
	 * Close gracefully and wait until closed.
	 * @param grace how long requests in flight may take
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 */
	public void close(Duration grace) {
		this.engine.checkNotOnIoThread("close(Duration)");
		closeGracefully(grace).join();
	}

	/**
	 * Send a one-way message and wait until it is written.
	 * @param route the route
	 * @param headers the headers
	 * @param payload the payload
	 * @throws FastnetException the failure, unwrapped
	 * @throws IllegalStateException when called on one of this client's I/O threads
	 */
	public void onewayBlocking(String route, Map<String, String> headers, byte[] payload) {
		this.engine.checkNotOnIoThread("onewayBlocking");
		await(oneway(route, headers, Unpooled.wrappedBuffer(payload)), route);
	}

	/**
	 * Close gracefully with the configured {@link ClientConfig#shutdownGrace() shutdown
	 * grace} and wait until closed.
	 */
	@Override
	public void close() {
		close(this.engine.config().shutdownGrace());
	}

	/**
	 * Return whether {@link #closeGracefully(Duration)} was called.
	 * @return {@code true} once closing has started
	 */
	public boolean isClosed() {
		return this.engine.isClosed();
	}

	// Figures

	/**
	 * Return a snapshot of the client's figures, read without locks.
	 * @return the snapshot
	 */
	public ClientStats stats() {
		return this.engine.stats();
	}

	/**
	 * Return a snapshot of each current endpoint's figures, read without locks.
	 * @return one entry per endpoint, in configuration order
	 */
	public List<EndpointStats> endpoints() {
		return this.engine.endpoints();
	}

	/**
	 * Close the circuit of an endpoint by hand: its failures are forgotten and the next
	 * call may connect to it at once, whatever its backoff or cool-down.
	 * @param endpoint the endpoint, as configured
	 * @return whether the endpoint is one of this client's
	 */
	public boolean resetCircuit(InetSocketAddress endpoint) {
		return this.engine.resetCircuit(endpoint);
	}

	/**
	 * Return the number of pushed messages dropped because no listener was registered for
	 * their route.
	 * @return the count
	 */
	public long unroutedPushes() {
		return this.engine.unroutedPushes();
	}

	/**
	 * Return the configuration.
	 * @return the configuration
	 */
	public ClientConfig config() {
		return this.engine.config();
	}

	/**
	 * Return the transport in use.
	 * @return {@link Transport#EPOLL}, {@link Transport#IO_URING} or
	 * {@link Transport#NIO}
	 */
	public Transport transport() {
		return this.engine.transport();
	}

	/**
	 * Return the TLS settings new connections get.
	 * @return the settings, empty for plain TCP
	 */
	public Optional<TlsConfig> tls() {
		return Optional.ofNullable(this.engine.tls());
	}

	/**
	 * Open new connections with other TLS settings, typically renewed trust or a renewed
	 * client certificate; open connections keep theirs.
	 * @param tls the new settings
	 * @throws IllegalStateException when the client was built without TLS
	 */
	public void updateTls(TlsConfig tls) {
		this.engine.updateTls(Objects.requireNonNull(tls, "tls"));
	}

	@Override
	public String toString() {
		return this.engine.toString();
	}

	/**
	 * Builds a {@link FastnetClient}.
	 */
	public static final class Builder {

		private final ClientConfig config;

		private final Map<String, PushListener> pushListeners = new LinkedHashMap<>();

		private FastnetMetricsRecorder recorder = FastnetMetricsRecorder.NONE;

		private @Nullable Consumer<ChannelPipeline> pipelineCustomizer;

		private @Nullable ByteBufAllocator allocator;

		private Builder(ClientConfig config) {
			this.config = Objects.requireNonNull(config, "config");
		}

		/**
		 * Set the metrics recorder, called once per finished request.
		 * @param recorder the recorder
		 * @return this builder
		 */
		public Builder metricsRecorder(FastnetMetricsRecorder recorder) {
			this.recorder = Objects.requireNonNull(recorder, "recorder");
			return this;
		}

		/**
		 * Return the configuration the client will be built with.
		 * @return the configuration
		 */
		public ClientConfig config() {
			return this.config;
		}

		/**
		 * Add a customization of every connection's pipeline, applied after fastnet's
		 * handlers are in place (see {@link dev.fastnet.transport.FastnetPipeline} for
		 * their names).
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder pipelineCustomizer(Consumer<ChannelPipeline> customizer) {
			Objects.requireNonNull(customizer, "customizer");
			Consumer<ChannelPipeline> previous = this.pipelineCustomizer;
			this.pipelineCustomizer = (previous != null) ? previous.andThen(customizer) : customizer;
			return this;
		}

		/**
		 * Register the listener of a route's pushed messages.
		 * @param route the route
		 * @param listener the listener; runs on an I/O thread and must not block
		 * @return this builder
		 */
		public Builder pushListener(String route, PushListener listener) {
			this.pushListeners.put(Objects.requireNonNull(route, "route"),
					Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Set the allocator of every buffer the client's connections encode, read and
		 * decode; by default Netty's ({@link ByteBufAllocator#DEFAULT}, adaptive in Netty
		 * 4.2).
		 * @param allocator the allocator
		 * @return this builder
		 */
		public Builder allocator(ByteBufAllocator allocator) {
			this.allocator = Objects.requireNonNull(allocator, "allocator");
			return this;
		}

		/**
		 * Build the client; connections for {@link PoolOptions#minIdle()} start opening
		 * at once.
		 * @return the client
		 */
		public FastnetClient build() {
			return new FastnetClient(this);
		}

	}

}
