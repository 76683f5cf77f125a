package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.fastnet.client.Balancing;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.PoolOptions;
import dev.fastnet.client.ReconnectOptions;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ListenerTransport;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import dev.fastnet.worker.WorkerPoolOptions;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

/**
 * Configuration properties for fastnet.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("fastnet")
// Defaults are literals so that the configuration metadata shows them;
// FastnetPropertiesTests
// checks that they match the core defaults.
public class FastnetProperties implements Validator {

	private static final Pattern HOST_NAME = Pattern
		.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

	private final Server server = new Server();

	/**
	 * Clients by name; each becomes a FastnetClient bean qualified with its name.
	 */
	private final Map<String, Client> client = new LinkedHashMap<>();

	public Server getServer() {
		return this.server;
	}

	public Map<String, Client> getClient() {
		return this.client;
	}

	@Override
	public boolean supports(Class<?> type) {
		return FastnetProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		Server server = ((FastnetProperties) target).getServer();
		address(errors, "server.address", server.getAddress());
		range(errors, "server.port", server.getPort(), 0, 65535);
		range(errors, "server.io-threads", server.getIoThreads(), 0, 1024);
		range(errors, "server.max-frame-size", server.getMaxFrameSize(), DataSize.ofBytes(FrameFormat.HEADER_LENGTH),
				DataSize.ofBytes(Integer.MAX_VALUE));
		range(errors, "server.max-connections", server.getMaxConnections(), 1, Integer.MAX_VALUE);
		notNegative(errors, "server.idle-timeout", server.getIdleTimeout());
		notNegative(errors, "server.request-timeout", server.getRequestTimeout());
		notNegative(errors, "server.shutdown-grace", server.getShutdownGrace());
		range(errors, "server.workers.threads", server.getWorkers().getThreads(), 1, 32767);
		range(errors, "server.workers.queue-capacity", server.getWorkers().getQueueCapacity(), 0, Integer.MAX_VALUE);
		range(errors, "server.workers.virtual-concurrency", server.getWorkers().getVirtualConcurrency(), 1,
				Integer.MAX_VALUE);
		range(errors, "server.write-buffer-high-water-mark", server.getWriteBufferHighWaterMark(), DataSize.ofBytes(1),
				DataSize.ofBytes(Integer.MAX_VALUE));
		// Reported on the low mark whichever was set: it is the one that must not exceed
		// the other
		long high = server.getWriteBufferHighWaterMark().toBytes();
		long low = server.getWriteBufferLowWaterMark().toBytes();
		if (low < 1 || low > high) {
			reject(errors, "server.write-buffer-low-water-mark", server.getWriteBufferLowWaterMark(),
					"must be between 1B and write-buffer-high-water-mark (" + server.getWriteBufferHighWaterMark()
							+ ") but was " + server.getWriteBufferLowWaterMark());
		}
		notNegative(errors, "server.frame-timeout", server.getFrameTimeout());
		range(errors, "server.max-buffered-partial-frames", server.getMaxBufferedPartialFrames(), DataSize.ofBytes(0),
				DataSize.ofBytes(Long.MAX_VALUE));
		range(errors, "server.max-header-count", server.getMaxHeaderCount(), 0, Integer.MAX_VALUE);
		range(errors, "server.max-header-size", server.getMaxHeaderSize(), DataSize.ofBytes(0),
				DataSize.ofBytes(FrameFormat.MAX_HEADERS_BLOCK));
		notNegative(errors, "server.min-ping-interval", server.getMinPingInterval());
		range(errors, "server.max-ping-strikes", server.getMaxPingStrikes(), 0, Integer.MAX_VALUE);
		server.getListeners().forEach((name, listener) -> listener.validate(name, errors));
		socket(errors, "server.socket.", server.getSocket());
		range(errors, "server.socket.backlog", server.getSocket().getBacklog(), 1, Integer.MAX_VALUE);
		range(errors, "server.socket.acceptors", server.getSocket().getAcceptors(), 1, 256);
		notNegative(errors, "server.socket.tcp-defer-accept", server.getSocket().getTcpDeferAccept());
		positive(errors, "server.ssl.handshake-timeout", server.getSsl().getHandshakeTimeout());
		((FastnetProperties) target).getClient().forEach((name, client) -> client.validate(name, errors));
	}

	private static void range(Errors errors, String field, long value, long min, long max) {
		if (value < min || value > max) {
			reject(errors, field, value, "must be between " + min + " and " + max + " but was " + value);
		}
	}

	private static void range(Errors errors, String field, DataSize value, DataSize min, DataSize max) {
		if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
			reject(errors, field, value, "must be between " + min + " and " + max + " but was " + value);
		}
	}

	private static void range(Errors errors, String field, double value, double min, double max) {
		if (!(value >= min && value <= max)) {
			reject(errors, field, value, "must be between " + min + " and " + max + " but was " + value);
		}
	}

	private static void socket(Errors errors, String prefix, FastnetSocketProperties socket) {
		range(errors, prefix + "send-buffer-size", socket.getSendBufferSize().toBytes(), 0, Integer.MAX_VALUE);
		range(errors, prefix + "receive-buffer-size", socket.getReceiveBufferSize().toBytes(), 0, Integer.MAX_VALUE);
	}

	private static void positive(Errors errors, String field, Duration value) {
		if (value.isNegative() || value.isZero()) {
			reject(errors, field, print(value), "must be positive but was " + print(value));
		}
	}

	private static void notNegative(Errors errors, String field, Duration value) {
		if (value.isNegative()) {
			reject(errors, field, print(value), "must be zero or positive but was " + print(value));
		}
	}

	private static void notNegative(Errors errors, String field, DataSize value) {
		if (value.isNegative()) {
			reject(errors, field, value, "must be zero or positive but was " + value);
		}
	}

	private static void address(Errors errors, String field, String value) {
		String host = (value.startsWith("[") && value.endsWith("]")) ? value.substring(1, value.length() - 1) : value;
		boolean valid = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
				|| (HOST_NAME.matcher(host).matches() && !host.matches("[0-9.]+"));
		if (!valid) {
			reject(errors, field, value,
					"must be an IPv4 address, an IPv6 address or a host name but was '" + value + "'");
		}
	}

	/**
	 * Print a duration as a property would hold it: whole seconds as {@code 30s}, else
	 * milliseconds.
	 */
	static String print(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	/**
	 * Reject a value, naming it: without it Boot would look the value up among those
	 * bound, and show null for a property left at its default.
	 */
	private static void reject(Errors errors, String field, Object value, String message) {
		if (errors instanceof BindingResult result) {
			result.addError(new FieldError(result.getObjectName(), field, value, false,
					result.resolveMessageCodes("invalid", field), null, message));
		}
		else {
			errors.rejectValue(field, "invalid", message);
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
		 * Server port. Use 0 to bind to an ephemeral port, published as
		 * 'local.fastnet.port'.
		 */
		private int port = 7000;

		/**
		 * Number of event-loop threads. Use 0 for twice the number of cores.
		 */
		private int ioThreads;

		/**
		 * Largest frame accepted. Larger frames are answered with ERROR 413 and close the
		 * connection.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(1);

		/**
		 * Maximum number of connections served at once. Further connections are closed at
		 * accept.
		 */
		private int maxConnections = 10000;

		/**
		 * Time without anything received after which a connection is closed (a PING
		 * counts). Use 0 to never close idle connections.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration idleTimeout = Duration.ofMinutes(5);

		/**
		 * Time a handler has to answer before the request is answered with ERROR 408. Use
		 * 0 for no limit.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration requestTimeout = Duration.ofSeconds(30);

		/**
		 * Where handlers run unless their @MessageHandler says otherwise.
		 */
		private Execution defaultExecution = Execution.PLATFORM;

		/**
		 * Time requests in flight may take to finish, and peers to close their
		 * connections after the GOAWAY, when the server stops gracefully.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration shutdownGrace = Duration.ofSeconds(30);

		/**
		 * Netty transport: auto picks epoll when available, NIO otherwise; io_uring falls
		 * back to what auto picks when the kernel refuses it.
		 */
		private Transport transport = Transport.AUTO;

		/**
		 * Outbound bytes queued on a connection above which the server stops reading from
		 * it.
		 */
		private DataSize writeBufferHighWaterMark = DataSize.ofKilobytes(64);

		/**
		 * Outbound bytes queued on a connection below which a paused connection is read
		 * again.
		 */
		private DataSize writeBufferLowWaterMark = DataSize.ofKilobytes(32);

		/**
		 * Time a frame may take to arrive, counted from its first byte. A connection
		 * whose frame takes longer is closed, however steadily its bytes trickle in. Use
		 * 0 for no limit.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration frameTimeout = Duration.ofSeconds(5);

		/**
		 * Bytes of unfinished frames the server buffers across all connections. Beyond
		 * it, the connection holding the largest unfinished frame is closed. Use 0 for no
		 * limit.
		 */
		private DataSize maxBufferedPartialFrames = DataSize.ofMegabytes(64);

		/**
		 * Maximum number of header entries in a frame. A request with more is answered
		 * with ERROR 400.
		 */
		private int maxHeaderCount = 64;

		/**
		 * Maximum size of the headers block of a frame. A request with a larger one is
		 * answered with ERROR 400.
		 */
		private DataSize maxHeaderSize = DataSize.ofKilobytes(8);

		/**
		 * Shortest time between PINGs of a connection that is not otherwise in use. A
		 * PING that comes sooner, with no request in flight and no answer written since
		 * the last one, is a strike. Use 0 to accept every PING.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration minPingInterval = Duration.ofSeconds(5);

		/**
		 * Number of PINGs arriving too soon that a connection is forgiven. The next one
		 * gets GOAWAY and closes the connection; an answer written to it resets the
		 * count.
		 */
		private int maxPingStrikes = 2;

		private final Workers workers = new Workers();

		/**
		 * Listeners beside the default fastnet listener, by name. Each binds its own
		 * address and port and speaks its own framing; all share the event loops and
		 * workers.
		 */
		private final Map<String, Listener> listeners = new LinkedHashMap<>();

		@NestedConfigurationProperty
		private final FastnetSslProperties ssl = new FastnetSslProperties();

		@NestedConfigurationProperty
		private final FastnetServerSocketProperties socket = new FastnetServerSocketProperties();

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

		public Duration getFrameTimeout() {
			return this.frameTimeout;
		}

		public void setFrameTimeout(Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
		}

		public DataSize getMaxBufferedPartialFrames() {
			return this.maxBufferedPartialFrames;
		}

		public void setMaxBufferedPartialFrames(DataSize maxBufferedPartialFrames) {
			this.maxBufferedPartialFrames = maxBufferedPartialFrames;
		}

		public int getMaxHeaderCount() {
			return this.maxHeaderCount;
		}

		public void setMaxHeaderCount(int maxHeaderCount) {
			this.maxHeaderCount = maxHeaderCount;
		}

		public DataSize getMaxHeaderSize() {
			return this.maxHeaderSize;
		}

		public void setMaxHeaderSize(DataSize maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
		}

		public Duration getMinPingInterval() {
			return this.minPingInterval;
		}

		public void setMinPingInterval(Duration minPingInterval) {
			this.minPingInterval = minPingInterval;
		}

		public int getMaxPingStrikes() {
			return this.maxPingStrikes;
		}

		public void setMaxPingStrikes(int maxPingStrikes) {
			this.maxPingStrikes = maxPingStrikes;
		}

		public Workers getWorkers() {
			return this.workers;
		}

		public Map<String, Listener> getListeners() {
			return this.listeners;
		}

		/**
		 * Convert the listeners to their core configurations.
		 * @return the listeners' configurations, in the order they were declared
		 */
		public List<ListenerConfig> toListenerConfigs() {
			List<ListenerConfig> configs = new ArrayList<>(this.listeners.size());
			this.listeners.forEach((name, listener) -> configs.add(listener.toConfig(name)));
			return configs;
		}

		public FastnetSslProperties getSsl() {
			return this.ssl;
		}

		public FastnetServerSocketProperties getSocket() {
			return this.socket;
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
				.frameTimeout(this.frameTimeout)
				.maxPartialFrameBytes(this.maxBufferedPartialFrames.toBytes())
				.maxHeaderCount(this.maxHeaderCount)
				.maxHeaderSize((int) this.maxHeaderSize.toBytes())
				.minPingInterval(this.minPingInterval)
				.maxPingStrikes(this.maxPingStrikes)
				.socket(this.socket.toOptions())
				.build();
		}

	}

	/**
	 * Properties of a listener beside the default one.
	 */
	public static class Listener extends FramingProperties {

		/**
		 * Network address to which the listener should bind.
		 */
		private String address = "0.0.0.0";

		/**
		 * Listener port. Use 0 to bind to an ephemeral port, published as
		 * 'local.fastnet.listeners.[name].port'.
		 */
		private int port;

		/**
		 * Largest frame accepted, as the framing measures it: for length-prefixed
		 * framings the bytes after the length field, for the delimiter framing the bytes
		 * before the delimiter. Defaults to 1MB, to 65535B for anet, and to 65503B, also
		 * the largest value, for udp. Larger frames close the connection; larger
		 * datagrams are dropped.
		 */
		private @Nullable DataSize maxFrameSize;

		/**
		 * Route every message of a compatibility framing is dispatched to.
		 */
		private @Nullable String route;

		/**
		 * Maximum number of connections this listener serves at once, within the server's
		 * max-connections. Further connections are closed at accept. Use 0 for the
		 * server's limit alone.
		 */
		private int maxConnections;

		/**
		 * How peers reach the listener: tcp; websocket for fastnet frames in binary
		 * WebSocket messages; or udp for one fastnet frame per datagram, with sessions
		 * per peer address that expire after the server's idle-timeout. Websocket and udp
		 * need the fastnet framing.
		 */
		private ListenerTransport transport = ListenerTransport.TCP;

		/**
		 * HTTP path of the WebSocket upgrade of a websocket listener.
		 */
		private String path = ListenerConfig.DEFAULT_PATH;

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

		public @Nullable DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(@Nullable DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public @Nullable String getRoute() {
			return this.route;
		}

		public void setRoute(@Nullable String route) {
			this.route = route;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public ListenerTransport getTransport() {
			return this.transport;
		}

		public void setTransport(ListenerTransport transport) {
			this.transport = transport;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		void validate(String name, Errors errors) {
			String prefix = "server.listeners[" + name + "].";
			if (ListenerConfig.DEFAULT_NAME.equals(name)) {
				errors.rejectValue("server.listeners", "reserved", "must not have a listener named '"
						+ ListenerConfig.DEFAULT_NAME + "': it is the name of the fastnet.server listener itself");
			}
			range(errors, prefix + "port", this.port, 0, 65535);
			range(errors, prefix + "max-connections", this.maxConnections, 0, Integer.MAX_VALUE);
			if (!this.path.startsWith("/")
					|| this.path.chars().anyMatch((c) -> c <= ' ' || c == '?' || c == '#' || c > '~')) {
				reject(errors, prefix + "path", this.path,
						"must start with '/' and hold printable ASCII other than '?' and '#' but was " + this.path);
			}
			Framing framing = validateFraming(prefix, errors);
			if (framing == null) {
				return;
			}
			if (this.transport != ListenerTransport.TCP && !framing.isFastnet()) {
				reject(errors, prefix + "framing", framing.name(), "must be fastnet for the "
						+ this.transport.name().toLowerCase() + " transport but was " + framing.name());
				return;
			}
			if (framing.isFastnet() && this.route != null) {
				errors.rejectValue(prefix + "route", "unexpected",
						"must not be set for the fastnet framing, whose frames carry their own routes, but was "
								+ this.route);
			}
			else if (!framing.isFastnet() && (this.route == null || this.route.isBlank()
					|| this.route.length() > FrameFormat.MAX_ROUTE_LENGTH)) {
				errors.rejectValue(prefix + "route", "required", "must be set for the " + framing.name()
						+ " framing, at most " + FrameFormat.MAX_ROUTE_LENGTH + " characters, but was " + this.route);
			}
			if (this.maxFrameSize != null) {
				range(errors, prefix + "max-frame-size", this.maxFrameSize.toBytes(), framing.minFrameSizeLimit(),
						(this.transport == ListenerTransport.UDP) ? ListenerConfig.MAX_DATAGRAM_FRAME_SIZE
								: framing.maxFrameSizeLimit());
			}
		}

		/**
		 * Convert to the core configuration.
		 * @param name the listener's name
		 * @return the listener configuration
		 */
		public ListenerConfig toConfig(String name) {
			ListenerConfig.Builder builder = ListenerConfig.builder(name, toFraming())
				.host(this.address)
				.port(this.port)
				.route(this.route)
				.maxConnections(this.maxConnections)
				.transport(this.transport)
				.path(this.path);
			if (this.maxFrameSize != null) {
				builder.maxFrameSize((int) this.maxFrameSize.toBytes());
			}
			return builder.build();
		}

	}

	/**
	 * Worker pool properties.
	 */
	public static class Workers {

		/**
		 * Number of platform threads that run blocking handlers.
		 */
		private int threads = 64;

		/**
		 * Requests that may wait for a worker. When full, requests are answered with
		 * ERROR 503.
		 */
		private int queueCapacity = 1024;

		/**
		 * Maximum number of handlers running at once on virtual threads.
		 */
		private int virtualConcurrency = 10000;

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

	/**
	 * Properties of one client.
	 */
	public static class Client extends FramingProperties {

		/**
		 * Servers to connect to, as host:port.
		 */
		private List<String> endpoints = new ArrayList<>();

		/**
		 * Service id whose instances, looked up with Spring Cloud's DiscoveryClient, are
		 * the endpoints. Takes precedence over 'endpoints' when a DiscoveryClient is
		 * present.
		 */
		private @Nullable String serviceId;

		/**
		 * How often endpoints of a service id are looked up again.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration discoveryRefreshInterval = Duration.ofSeconds(30);

		/**
		 * Time a request waits for its answer unless the call gives its own timeout.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration requestTimeout = Duration.ofSeconds(30);

		/**
		 * Time a connect attempt may take.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Time requests in flight may take when the application stops.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration shutdownGrace = Duration.ofSeconds(10);

		/**
		 * Largest frame accepted from a server.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(1);

		/**
		 * Request payloads kept, once written, until their answers, to send a request
		 * again that a draining server refused or a stale connection lost. A request
		 * whose payload does not fit is not sent again. Use 0 to keep none.
		 */
		private DataSize resendBufferSize = DataSize.ofBytes(ClientConfig.DEFAULT_RESEND_BUFFER_SIZE);

		/**
		 * Number of event-loop threads. Use 0 for twice the number of cores.
		 */
		private int ioThreads;

		/**
		 * How requests are spread over healthy endpoints.
		 */
		private Balancing balancing = Balancing.LEAST_OUTSTANDING;

		/**
		 * Netty transport: auto picks epoll when available, NIO otherwise; io_uring falls
		 * back to what auto picks when the kernel refuses it.
		 */
		private Transport transport = Transport.AUTO;

		private final Pool pool = new Pool();

		@NestedConfigurationProperty
		private final FastnetSslProperties ssl = new FastnetSslProperties();

		@NestedConfigurationProperty
		private final FastnetSocketProperties socket = new FastnetSocketProperties();

		private final Reconnect reconnect = new Reconnect();

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(@Nullable String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getDiscoveryRefreshInterval() {
			return this.discoveryRefreshInterval;
		}

		public void setDiscoveryRefreshInterval(Duration discoveryRefreshInterval) {
			this.discoveryRefreshInterval = discoveryRefreshInterval;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getShutdownGrace() {
			return this.shutdownGrace;
		}

		public void setShutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public DataSize getResendBufferSize() {
			return this.resendBufferSize;
		}

		public void setResendBufferSize(DataSize resendBufferSize) {
			this.resendBufferSize = resendBufferSize;
		}

		public int getIoThreads() {
			return this.ioThreads;
		}

		public void setIoThreads(int ioThreads) {
			this.ioThreads = ioThreads;
		}

		public Balancing getBalancing() {
			return this.balancing;
		}

		public void setBalancing(Balancing balancing) {
			this.balancing = balancing;
		}

		public Transport getTransport() {
			return this.transport;
		}

		public void setTransport(Transport transport) {
			this.transport = transport;
		}

		public FastnetSslProperties getSsl() {
			return this.ssl;
		}

		public FastnetSocketProperties getSocket() {
			return this.socket;
		}

		public Pool getPool() {
			return this.pool;
		}

		public Reconnect getReconnect() {
			return this.reconnect;
		}

		void validate(String name, Errors errors) {
			String prefix = "client[" + name + "].";
			if (this.endpoints.isEmpty() && this.serviceId == null) {
				reject(errors, prefix + "endpoints", this.endpoints,
						"must list at least one host:port or set a service-id");
			}
			for (String endpoint : this.endpoints) {
				if (endpoint.contains("${")) {
					// A placeholder such as ${local.fastnet.port} may only resolve once a
					// server has
					// started; the client resolves and checks it when it is created
					continue;
				}
				try {
					parseEndpoint(endpoint);
				}
				catch (IllegalArgumentException ex) {
					reject(errors, prefix + "endpoints", endpoint, ex.getMessage());
				}
			}
			positive(errors, prefix + "request-timeout", this.requestTimeout);
			positive(errors, prefix + "connect-timeout", this.connectTimeout);
			positive(errors, prefix + "discovery-refresh-interval", this.discoveryRefreshInterval);
			notNegative(errors, prefix + "shutdown-grace", this.shutdownGrace);
			range(errors, prefix + "io-threads", this.ioThreads, 0, 1024);
			validateFraming(prefix, errors);
			range(errors, prefix + "max-frame-size", this.maxFrameSize.toBytes(), FrameFormat.HEADER_LENGTH,
					Integer.MAX_VALUE);
			notNegative(errors, prefix + "resend-buffer-size", this.resendBufferSize);
			range(errors, prefix + "pool.max-connections", this.pool.maxConnections, 1, 65535);
			range(errors, prefix + "pool.min-idle", this.pool.minIdle, 0, this.pool.maxConnections);
			range(errors, prefix + "pool.max-in-flight-per-connection", this.pool.maxInFlightPerConnection, 1,
					Integer.MAX_VALUE);
			range(errors, prefix + "pool.max-pending", this.pool.maxPending, 0, Integer.MAX_VALUE);
			positive(errors, prefix + "pool.acquire-timeout", this.pool.acquireTimeout);
			positive(errors, prefix + "pool.max-idle-time", this.pool.maxIdleTime);
			notNegative(errors, prefix + "pool.ping-interval", this.pool.pingInterval);
			positive(errors, prefix + "pool.ping-timeout", this.pool.pingTimeout);
			positive(errors, prefix + "reconnect.initial-backoff", this.reconnect.initialBackoff);
			if (this.reconnect.maxBackoff.compareTo(this.reconnect.initialBackoff) < 0) {
				reject(errors, prefix + "reconnect.max-backoff", print(this.reconnect.maxBackoff),
						"must be at least reconnect.initial-backoff (" + print(this.reconnect.initialBackoff)
								+ ") but was " + print(this.reconnect.maxBackoff));
			}
			if (!(this.reconnect.multiplier >= 1.0) || Double.isInfinite(this.reconnect.multiplier)) {
				reject(errors, prefix + "reconnect.multiplier", this.reconnect.multiplier,
						"must be a finite number of at least 1.0 but was " + this.reconnect.multiplier);
			}
			range(errors, prefix + "reconnect.jitter", this.reconnect.jitter, 0.0, 1.0);
			positive(errors, prefix + "reconnect.circuit-cool-down", this.reconnect.circuitCoolDown);
			range(errors, prefix + "reconnect.failure-threshold", this.reconnect.failureThreshold, 1,
					Integer.MAX_VALUE);
			socket(errors, prefix + "socket.", this.socket);
			positive(errors, prefix + "ssl.handshake-timeout", this.ssl.getHandshakeTimeout());
			if (this.ssl.getClientAuth() != TlsConfig.ClientAuth.NONE) {
				errors.rejectValue(prefix + "ssl.client-auth", "server-only",
						"applies to servers only but was " + this.ssl.getClientAuth());
			}
		}

		/**
		 * Convert to the core configuration.
		 * @param name the client's name
		 * @param endpoints the endpoints to use
		 * @return the client configuration
		 */
		public ClientConfig toConfig(String name, List<InetSocketAddress> endpoints) {
			Framing framing = toFraming();
			return ClientConfig.builder()
				.name(name)
				.endpoints(endpoints)
				.ioThreads(this.ioThreads)
				.framing(framing)
				// Capped by what the framing can express: anet's 64KB - 1, say, below the
				// 1MB default
				.maxFrameSize((int) Math.min(this.maxFrameSize.toBytes(), framing.maxFrameSizeLimit()))
				.connectTimeout(this.connectTimeout)
				.requestTimeout(this.requestTimeout)
				.shutdownGrace(this.shutdownGrace)
				.resendBufferSize(this.resendBufferSize.toBytes())
				.balancing(this.balancing)
				.transport(this.transport)
				.socket(this.socket.toOptions())
				.pool(PoolOptions.builder()
					.minIdle(this.pool.minIdle)
					.maxConnections(this.pool.maxConnections)
					.maxInFlightPerConnection(this.pool.maxInFlightPerConnection)
					.acquireTimeout(this.pool.acquireTimeout)
					.maxPendingAcquires(this.pool.maxPending)
					.maxIdleTime(this.pool.maxIdleTime)
					.pingInterval(this.pool.pingInterval)
					.pingTimeout(this.pool.pingTimeout)
					.build())
				.reconnect(new ReconnectOptions(this.reconnect.initialBackoff, this.reconnect.multiplier,
						this.reconnect.maxBackoff, this.reconnect.jitter, this.reconnect.failureThreshold,
						this.reconnect.circuitCoolDown))
				.build();
		}

		/**
		 * Return the configured endpoints.
		 * @return the endpoints, unresolved
		 */
		public List<InetSocketAddress> endpointAddresses() {
			return this.endpoints.stream().map(Client::parseEndpoint).toList();
		}

		static InetSocketAddress parseEndpoint(String endpoint) {
			int colon = endpoint.lastIndexOf(':');
			if (colon <= 0 || colon == endpoint.length() - 1) {
				throw new IllegalArgumentException("'" + endpoint + "' is not host:port");
			}
			String host = endpoint.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			int port;
			try {
				port = Integer.parseInt(endpoint.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + endpoint + "' has no numeric port");
			}
			if (port < 1 || port > 65535) {
				throw new IllegalArgumentException("'" + endpoint + "' port must be between 1 and 65535");
			}
			return InetSocketAddress.createUnresolved(host, port);
		}

	}

	/**
	 * Connection pool properties of a client, per endpoint.
	 */
	public static class Pool {

		/**
		 * Connections opened eagerly and kept open.
		 */
		private int minIdle;

		/**
		 * Maximum number of connections.
		 */
		private int maxConnections = 4;

		/**
		 * Requests multiplexed on one connection before the next one is used or opened.
		 */
		private int maxInFlightPerConnection = 1024;

		/**
		 * Time a request may wait for a connection.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration acquireTimeout = Duration.ofSeconds(5);

		/**
		 * Requests that may wait for a connection; beyond it, requests fail at once.
		 */
		private int maxPending = 1024;

		/**
		 * Time after which idle connections beyond min-idle are closed.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration maxIdleTime = Duration.ofMinutes(5);

		/**
		 * Interval of PINGs on idle connections. Use 0 to disable.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration pingInterval = Duration.ofSeconds(30);

		/**
		 * Time a PING may wait for its PONG before the connection is evicted.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration pingTimeout = Duration.ofSeconds(5);

		public int getMinIdle() {
			return this.minIdle;
		}

		public void setMinIdle(int minIdle) {
			this.minIdle = minIdle;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public int getMaxInFlightPerConnection() {
			return this.maxInFlightPerConnection;
		}

		public void setMaxInFlightPerConnection(int maxInFlightPerConnection) {
			this.maxInFlightPerConnection = maxInFlightPerConnection;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

		public int getMaxPending() {
			return this.maxPending;
		}

		public void setMaxPending(int maxPending) {
			this.maxPending = maxPending;
		}

		public Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

		public Duration getPingInterval() {
			return this.pingInterval;
		}

		public void setPingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
		}

		public Duration getPingTimeout() {
			return this.pingTimeout;
		}

		public void setPingTimeout(Duration pingTimeout) {
			this.pingTimeout = pingTimeout;
		}

	}

	/**
	 * Reconnect and circuit properties of a client.
	 */
	public static class Reconnect {

		/**
		 * Backoff after the first failed connect attempt.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Factor by which the backoff grows after each further failure.
		 */
		private double multiplier = 1.6;

		/**
		 * Longest backoff.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration maxBackoff = Duration.ofSeconds(10);

		/**
		 * Random spread applied to each backoff, as a fraction of it.
		 */
		private double jitter = 0.2;

		/**
		 * Consecutive failures after which the endpoint is marked down (circuit open).
		 */
		private int failureThreshold = 5;

		/**
		 * Longest time between probe connects while an endpoint is down. The first probe
		 * comes after the backoff in force, each further one after twice the previous
		 * delay.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration circuitCoolDown = Duration.ofSeconds(30);

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getCircuitCoolDown() {
			return this.circuitCoolDown;
		}

		public void setCircuitCoolDown(Duration circuitCoolDown) {
			this.circuitCoolDown = circuitCoolDown;
		}

	}

}
