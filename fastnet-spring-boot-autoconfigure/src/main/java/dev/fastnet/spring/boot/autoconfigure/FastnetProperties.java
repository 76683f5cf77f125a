package dev.fastnet.spring.boot.autoconfigure;

import java.time.Duration;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.transport.Transport;
import dev.fastnet.worker.WorkerPoolOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for fastnet.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("fastnet")
public class FastnetProperties implements Validator {

	private final Server server = new Server();

	public Server getServer() {
		return this.server;
	}

	@Override
	public boolean supports(Class<?> type) {
		return FastnetProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		Server server = ((FastnetProperties) target).getServer();
		range(errors, "server.port", server.getPort(), 0, 65535);
		range(errors, "server.io-threads", server.getIoThreads(), 0, 1024);
		range(errors, "server.max-frame-size", server.getMaxFrameSize().toBytes(), FrameFormat.HEADER_LENGTH,
				Integer.MAX_VALUE);
		range(errors, "server.max-connections", server.getMaxConnections(), 1, Integer.MAX_VALUE);
		notNegative(errors, "server.idle-timeout", server.getIdleTimeout());
		notNegative(errors, "server.request-timeout", server.getRequestTimeout());
		notNegative(errors, "server.shutdown-grace", server.getShutdownGrace());
		range(errors, "server.workers.threads", server.getWorkers().getThreads(), 1, 32767);
		range(errors, "server.workers.queue-capacity", server.getWorkers().getQueueCapacity(), 0, Integer.MAX_VALUE);
		range(errors, "server.workers.virtual-concurrency", server.getWorkers().getVirtualConcurrency(), 1,
				Integer.MAX_VALUE);
		range(errors, "server.write-buffer-high-water-mark", server.getWriteBufferHighWaterMark().toBytes(),
				server.getWriteBufferLowWaterMark().toBytes(), Integer.MAX_VALUE);
		range(errors, "server.write-buffer-low-water-mark", server.getWriteBufferLowWaterMark().toBytes(), 1,
				Integer.MAX_VALUE);
	}

	private static void range(Errors errors, String field, long value, long min, long max) {
		if (value < min || value > max) {
			errors.rejectValue(field, "range", "must be between " + min + " and " + max + " but was " + value);
		}
	}

	private static void notNegative(Errors errors, String field, Duration value) {
		if (value.isNegative()) {
			errors.rejectValue(field, "negative", "must not be negative but was " + value);
		}
	}

	/**
	 * Server properties.
	 */
	public static class Server {

		/**
		 * Whether to start a fastnet server.
		 */
		private boolean enabled = true;

		/**
		 * Network address to which the server should bind.
		 */
		private String address = "0.0.0.0";

		/**
		 * Server port. Use 0 to bind to an ephemeral port, published as 'local.fastnet.port'.
		 */
		private int port = ServerConfig.DEFAULT_PORT;

		/**
		 * Number of event-loop threads. Use 0 for twice the number of cores.
		 */
		private int ioThreads;

		/**
		 * Largest frame accepted. Larger frames are answered with ERROR 413 and close the
		 * connection.
		 */
		private DataSize maxFrameSize = DataSize.ofBytes(FrameFormat.DEFAULT_MAX_FRAME_SIZE);

		/**
		 * Maximum number of connections served at once. Further connections are closed at
		 * accept.
		 */
		private int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;

		/**
		 * Time without traffic after which a connection is closed. Use 0 to never close idle
		 * connections.
		 */
		private Duration idleTimeout = ServerConfig.DEFAULT_IDLE_TIMEOUT;

		/**
		 * Time a handler has to answer before the request is answered with ERROR 408. Use 0
		 * for no limit.
		 */
		private Duration requestTimeout = ServerConfig.DEFAULT_REQUEST_TIMEOUT;

		/**
		 * Where handlers run unless their @MessageHandler says otherwise.
		 */
		private Execution defaultExecution = Execution.PLATFORM;

		/**
		 * Time requests in flight may take to finish when the server stops gracefully.
		 */
		private Duration shutdownGrace = ServerConfig.DEFAULT_SHUTDOWN_GRACE;

		/**
		 * Netty transport: auto picks epoll when available.
		 */
		private Transport transport = Transport.AUTO;

		/**
		 * Outbound bytes queued on a connection above which the server stops reading from it.
		 */
		private DataSize writeBufferHighWaterMark = DataSize.ofKilobytes(64);

		/**
		 * Outbound bytes queued on a connection below which a paused connection is read again.
		 */
		private DataSize writeBufferLowWaterMark = DataSize.ofKilobytes(32);

		private final Workers workers = new Workers();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public int getIoThreads() {
			return this.ioThreads;
		}

		public void setIoThreads(int ioThreads) {
			this.ioThreads = ioThreads;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public Execution getDefaultExecution() {
			return this.defaultExecution;
		}

		public void setDefaultExecution(Execution defaultExecution) {
			this.defaultExecution = defaultExecution;
		}

		public Duration getShutdownGrace() {
			return this.shutdownGrace;
		}

		public void setShutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
		}

		public Transport getTransport() {
			return this.transport;
		}

		public void setTransport(Transport transport) {
			this.transport = transport;
		}

		public DataSize getWriteBufferHighWaterMark() {
			return this.writeBufferHighWaterMark;
		}

		public void setWriteBufferHighWaterMark(DataSize writeBufferHighWaterMark) {
			this.writeBufferHighWaterMark = writeBufferHighWaterMark;
		}

		public DataSize getWriteBufferLowWaterMark() {
			return this.writeBufferLowWaterMark;
		}

		public void setWriteBufferLowWaterMark(DataSize writeBufferLowWaterMark) {
			this.writeBufferLowWaterMark = writeBufferLowWaterMark;
		}

		public Workers getWorkers() {
			return this.workers;
		}

		/**
		 * Convert to the core configuration.
		 * @return the server configuration
		 */
		public ServerConfig toConfig() {
			return ServerConfig.builder()
				.host(this.address)
				.port(this.port)
				.ioThreads(this.ioThreads)
				.maxFrameSize((int) this.maxFrameSize.toBytes())
				.maxConnections(this.maxConnections)
				.idleTimeout(this.idleTimeout)
				.requestTimeout(this.requestTimeout)
				.defaultExecution(this.defaultExecution)
				.shutdownGrace(this.shutdownGrace)
				.transport(this.transport)
				.writeBufferWaterMarks((int) this.writeBufferLowWaterMark.toBytes(),
						(int) this.writeBufferHighWaterMark.toBytes())
				.workers(new WorkerPoolOptions(this.workers.threads, this.workers.queueCapacity,
						this.workers.virtualConcurrency, "fastnet-worker-"))
				.build();
		}

	}

	/**
	 * Worker pool properties.
	 */
	public static class Workers {

		/**
		 * Number of platform threads that run blocking handlers.
		 */
		private int threads = WorkerPoolOptions.DEFAULT_THREADS;

		/**
		 * Requests that may wait for a worker. When full, requests are answered with ERROR 503.
		 */
		private int queueCapacity = WorkerPoolOptions.DEFAULT_QUEUE_CAPACITY;

		/**
		 * Maximum number of handlers running at once on virtual threads.
		 */
		private int virtualConcurrency = WorkerPoolOptions.DEFAULT_VIRTUAL_CONCURRENCY;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public int getVirtualConcurrency() {
			return this.virtualConcurrency;
		}

		public void setVirtualConcurrency(int virtualConcurrency) {
			this.virtualConcurrency = virtualConcurrency;
		}

	}

}
