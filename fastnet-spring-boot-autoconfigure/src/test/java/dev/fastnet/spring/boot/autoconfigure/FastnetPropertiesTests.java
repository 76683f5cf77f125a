package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.fastnet.client.Balancing;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.framing.Framing;
import dev.fastnet.framing.LengthFieldFraming;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ListenerTransport;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.transport.SocketOptions;
import dev.fastnet.transport.TlsConfig;
import dev.fastnet.transport.Transport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetProperties}.
 */
class FastnetPropertiesTests {

	private static FastnetProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bind("fastnet", Bindable.of(FastnetProperties.class))
			.orElseGet(FastnetProperties::new);
	}

	@Nested
	class Listeners {

		@Test
		void anetListenerBindsWithTheFramingsMaximumFrameSize() {
			FastnetProperties properties = bind(Map.of("fastnet.server.listeners.anet.framing", "anet",
					"fastnet.server.listeners.anet.address", "127.0.0.1", "fastnet.server.listeners.anet.port", "7001",
					"fastnet.server.listeners.anet.route", "echo", "fastnet.server.listeners.anet.max-connections",
					"5"));
			assertThat(properties.getServer().toListenerConfigs())
				.containsExactly(ListenerConfig.builder("anet", Framing.anet())
					.host("127.0.0.1")
					.port(7001)
					.route("echo")
					.maxConnections(5)
					.build());
			assertThat(properties.getServer().toListenerConfigs().get(0).maxFrameSize())
				.isEqualTo(LengthFieldFraming.ANET_MAX_LENGTH);
		}

		@Test
		void webSocketListenerBindsWithItsPath() {
			FastnetProperties properties = bind(Map.of("fastnet.server.listeners.ws.transport", "websocket",
					"fastnet.server.listeners.ws.port", "7080", "fastnet.server.listeners.ws.path", "/frames"));
			assertThat(properties.getServer().toListenerConfigs())
				.containsExactly(ListenerConfig.builder("ws", Framing.fastnet())
					.port(7080)
					.transport(ListenerTransport.WEBSOCKET)
					.path("/frames")
					.build());
		}

		@Test
		void udpListenerBindsWithTheDatagramLimit() {
			FastnetProperties properties = bind(Map.of("fastnet.server.listeners.udp.transport", "udp",
					"fastnet.server.listeners.udp.port", "7000"));
			ListenerConfig config = properties.getServer().toListenerConfigs().get(0);
			assertThat(config.transport()).isEqualTo(ListenerTransport.UDP);
			assertThat(config.maxFrameSize()).isEqualTo(ListenerConfig.MAX_DATAGRAM_FRAME_SIZE);
		}

		@Test
		void listenerTransportDefaultsToTcpOnTheDefaultPath() {
			FastnetProperties properties = bind(Map.of("fastnet.server.listeners.plain.port", "7009"));
			ListenerConfig config = properties.getServer().toListenerConfigs().get(0);
			assertThat(config.transport()).isEqualTo(ListenerTransport.TCP);
			assertThat(config.path()).isEqualTo(ListenerConfig.DEFAULT_PATH);
		}

		@Test
		void everyLengthFieldOptionBinds() {
			FastnetProperties properties = bind(
					Map.ofEntries(Map.entry("fastnet.server.listeners.lf.framing", "length-field"),
							Map.entry("fastnet.server.listeners.lf.route", "echo"),
							Map.entry("fastnet.server.listeners.lf.max-frame-size", "4KB"),
							Map.entry("fastnet.server.listeners.lf.length-field.size", "2"),
							Map.entry("fastnet.server.listeners.lf.length-field.offset", "2"),
							Map.entry("fastnet.server.listeners.lf.length-field.adjustment", "-1"),
							Map.entry("fastnet.server.listeners.lf.length-field.byte-order", "little-endian"),
							Map.entry("fastnet.server.listeners.lf.length-field.includes-itself", "true"),
							Map.entry("fastnet.server.listeners.lf.length-field.correlation-id-offset", "4"),
							Map.entry("fastnet.server.listeners.lf.length-field.correlation-id-size", "2")));
			ListenerConfig config = properties.getServer().toListenerConfigs().get(0);
			assertThat(config.maxFrameSize()).isEqualTo(4096);
			LengthFieldFraming framing = (LengthFieldFraming) config.framing();
			assertThat(framing.lengthFieldSize()).isEqualTo(2);
			assertThat(framing.lengthFieldOffset()).isEqualTo(2);
			assertThat(framing.lengthAdjustment()).isEqualTo(-1);
			assertThat(framing.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
			assertThat(framing.lengthIncludesItself()).isTrue();
			assertThat(framing.correlationIdOffset()).isEqualTo(4);
			assertThat(framing.correlationIdSize()).isEqualTo(2);
		}

		@Test
		void delimiterAndFixedLengthBind() {
			FastnetProperties properties = bind(Map.of("fastnet.server.listeners.lines.framing", "delimiter",
					"fastnet.server.listeners.lines.route", "echo", "fastnet.server.listeners.fixed.framing",
					"fixed-length", "fastnet.server.listeners.fixed.fixed-length", "16",
					"fastnet.server.listeners.fixed.route", "echo"));
			List<ListenerConfig> configs = properties.getServer().toListenerConfigs();
			assertThat(configs).extracting((config) -> config.framing().name())
				.containsExactlyInAnyOrder("delimiter", "fixed-length");
		}

		@Test
		void clientFramingBindsAndCapsTheMaximumFrameSize() {
			FastnetProperties properties = bind(Map.of("fastnet.client.legacy.endpoints", "127.0.0.1:7001",
					"fastnet.client.legacy.framing", "anet"));
			ClientConfig config = properties.getClient()
				.get("legacy")
				.toConfig("legacy", List.of(new InetSocketAddress("127.0.0.1", 7001)));
			assertThat(config.framing()).isEqualTo(Framing.anet());
			assertThat(config.maxFrameSize()).isEqualTo(LengthFieldFraming.ANET_MAX_LENGTH);
		}

	}

	@Nested
	class Server {

		@Test
		void defaultsAreTheCoreDefaults() {
			assertThat(new FastnetProperties().getServer().toConfig()).isEqualTo(ServerConfig.defaults());
		}

		@Test
		void everyPropertyBinds() {
			FastnetProperties properties = bind(Map.ofEntries(Map.entry("fastnet.server.address", "::1"),
					Map.entry("fastnet.server.port", "0"), Map.entry("fastnet.server.io-threads", "3"),
					Map.entry("fastnet.server.max-frame-size", "2MB"), Map.entry("fastnet.server.max-connections", "9"),
					Map.entry("fastnet.server.idle-timeout", "1m"), Map.entry("fastnet.server.request-timeout", "2s"),
					Map.entry("fastnet.server.default-execution", "event-loop"),
					Map.entry("fastnet.server.shutdown-grace", "3s"), Map.entry("fastnet.server.transport", "nio"),
					Map.entry("fastnet.server.workers.threads", "5"),
					Map.entry("fastnet.server.workers.queue-capacity", "6"),
					Map.entry("fastnet.server.workers.virtual-concurrency", "7"),
					Map.entry("fastnet.server.write-buffer-low-water-mark", "1KB"),
					Map.entry("fastnet.server.write-buffer-high-water-mark", "2KB"),
					Map.entry("fastnet.server.frame-timeout", "250ms"),
					Map.entry("fastnet.server.max-buffered-partial-frames", "8MB"),
					Map.entry("fastnet.server.max-header-count", "16"),
					Map.entry("fastnet.server.max-header-size", "2KB"),
					Map.entry("fastnet.server.min-ping-interval", "1s"),
					Map.entry("fastnet.server.max-ping-strikes", "4")));
			ServerConfig config = properties.getServer().toConfig();
			assertThat(config.host()).isEqualTo("::1");
			assertThat(config.port()).isZero();
			assertThat(config.ioThreads()).isEqualTo(3);
			assertThat(config.maxFrameSize()).isEqualTo(2 * 1024 * 1024);
			assertThat(config.maxConnections()).isEqualTo(9);
			assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
			assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(config.defaultExecution()).isEqualTo(Execution.EVENT_LOOP);
			assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
			assertThat(config.transport()).isEqualTo(Transport.NIO);
			assertThat(config.workers().threads()).isEqualTo(5);
			assertThat(config.workers().queueCapacity()).isEqualTo(6);
			assertThat(config.workers().virtualConcurrency()).isEqualTo(7);
			assertThat(config.writeBufferLowWaterMark()).isEqualTo(1024);
			assertThat(config.writeBufferHighWaterMark()).isEqualTo(2048);
			assertThat(config.frameTimeout()).isEqualTo(Duration.ofMillis(250));
			assertThat(config.maxPartialFrameBytes()).isEqualTo(8 * 1024 * 1024);
			assertThat(config.maxHeaderCount()).isEqualTo(16);
			assertThat(config.maxHeaderSize()).isEqualTo(2048);
			assertThat(config.minPingInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(config.maxPingStrikes()).isEqualTo(4);
		}

		@Test
		void frameLimitsDefaultToTheCoreDefaults() {
			FastnetProperties.Server server = bind(Map.of()).getServer();
			assertThat(server.getFrameTimeout()).isEqualTo(ServerConfig.DEFAULT_FRAME_TIMEOUT);
			assertThat(server.getMaxBufferedPartialFrames().toBytes())
				.isEqualTo(ServerConfig.DEFAULT_MAX_PARTIAL_FRAME_BYTES);
			assertThat(server.getMaxHeaderCount()).isEqualTo(ServerConfig.DEFAULT_MAX_HEADER_COUNT);
			assertThat(server.getMaxHeaderSize().toBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_HEADER_SIZE);
		}

		@Test
		void pingLimitsDefaultToTheCoreDefaults() {
			FastnetProperties.Server server = bind(Map.of()).getServer();
			assertThat(server.getMinPingInterval()).isEqualTo(ServerConfig.DEFAULT_MIN_PING_INTERVAL);
			assertThat(server.getMaxPingStrikes()).isEqualTo(ServerConfig.DEFAULT_MAX_PING_STRIKES);
		}

	}

	@Nested
	class Client {

		private final List<InetSocketAddress> endpoints = List
			.of(InetSocketAddress.createUnresolved("localhost", 7000));

		@Test
		void defaultsAreTheCoreDefaults() {
			ClientConfig expected = ClientConfig.builder().name("orders").endpoints(this.endpoints).build();
			assertThat(new FastnetProperties.Client().toConfig("orders", this.endpoints)).isEqualTo(expected);
		}

		@Test
		void everyPropertyBinds() {
			FastnetProperties properties = bind(
					Map.ofEntries(Map.entry("fastnet.client.orders.endpoints", "a.example:7000,[::1]:7001"),
							Map.entry("fastnet.client.orders.request-timeout", "2s"),
							Map.entry("fastnet.client.orders.connect-timeout", "1s"),
							Map.entry("fastnet.client.orders.shutdown-grace", "3s"),
							Map.entry("fastnet.client.orders.max-frame-size", "64KB"),
							Map.entry("fastnet.client.orders.io-threads", "1"),
							Map.entry("fastnet.client.orders.balancing", "round-robin"),
							Map.entry("fastnet.client.orders.pool.min-idle", "1"),
							Map.entry("fastnet.client.orders.pool.max-connections", "2"),
							Map.entry("fastnet.client.orders.pool.max-in-flight-per-connection", "3"),
							Map.entry("fastnet.client.orders.pool.acquire-timeout", "4s"),
							Map.entry("fastnet.client.orders.pool.max-pending", "5"),
							Map.entry("fastnet.client.orders.pool.max-idle-time", "6s"),
							Map.entry("fastnet.client.orders.pool.ping-interval", "7s"),
							Map.entry("fastnet.client.orders.pool.ping-timeout", "8s"),
							Map.entry("fastnet.client.orders.reconnect.initial-backoff", "9ms"),
							Map.entry("fastnet.client.orders.reconnect.multiplier", "2.5"),
							Map.entry("fastnet.client.orders.reconnect.max-backoff", "10s"),
							Map.entry("fastnet.client.orders.reconnect.jitter", "0.1"),
							Map.entry("fastnet.client.orders.reconnect.failure-threshold", "11"),
							Map.entry("fastnet.client.orders.reconnect.circuit-cool-down", "12s")));
			FastnetProperties.Client orders = properties.getClient().get("orders");
			assertThat(orders.endpointAddresses()).containsExactly(
					InetSocketAddress.createUnresolved("a.example", 7000),
					InetSocketAddress.createUnresolved("::1", 7001));
			ClientConfig config = orders.toConfig("orders", orders.endpointAddresses());
			assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
			assertThat(config.maxFrameSize()).isEqualTo(64 * 1024);
			assertThat(config.ioThreads()).isEqualTo(1);
			assertThat(config.balancing()).isEqualTo(Balancing.ROUND_ROBIN);
			assertThat(config.pool().minIdle()).isEqualTo(1);
			assertThat(config.pool().maxConnections()).isEqualTo(2);
			assertThat(config.pool().maxInFlightPerConnection()).isEqualTo(3);
			assertThat(config.pool().acquireTimeout()).isEqualTo(Duration.ofSeconds(4));
			assertThat(config.pool().maxPendingAcquires()).isEqualTo(5);
			assertThat(config.pool().maxIdleTime()).isEqualTo(Duration.ofSeconds(6));
			assertThat(config.pool().pingInterval()).isEqualTo(Duration.ofSeconds(7));
			assertThat(config.pool().pingTimeout()).isEqualTo(Duration.ofSeconds(8));
			assertThat(config.reconnect().initialBackoff()).isEqualTo(Duration.ofMillis(9));
			assertThat(config.reconnect().multiplier()).isEqualTo(2.5);
			assertThat(config.reconnect().maxBackoff()).isEqualTo(Duration.ofSeconds(10));
			assertThat(config.reconnect().jitter()).isEqualTo(0.1);
			assertThat(config.reconnect().failureThreshold()).isEqualTo(11);
			assertThat(config.reconnect().circuitCoolDown()).isEqualTo(Duration.ofSeconds(12));
		}

	}

	@Nested
	class SocketAndSsl {

		@Test
		void defaultsAreTheCoreDefaults() {
			FastnetProperties properties = new FastnetProperties();
			assertThat(properties.getServer().getSocket().toOptions()).isEqualTo(SocketOptions.defaults());
			assertThat(new FastnetProperties.Client().getSocket().toOptions()).isEqualTo(SocketOptions.defaults());
			assertThat(properties.getServer().getSsl().getBundle()).isNull();
			assertThat(properties.getServer().getSsl().getHandshakeTimeout())
				.isEqualTo(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
		}

		@Test
		void serverSocketAndSslPropertiesBind() {
			FastnetProperties properties = bind(Map.ofEntries(Map.entry("fastnet.server.socket.tcp-no-delay", "false"),
					Map.entry("fastnet.server.socket.keep-alive", "false"),
					Map.entry("fastnet.server.socket.send-buffer-size", "64KB"),
					Map.entry("fastnet.server.socket.receive-buffer-size", "128KB"),
					Map.entry("fastnet.server.socket.backlog", "100"),
					Map.entry("fastnet.server.socket.acceptors", "4"),
					Map.entry("fastnet.server.socket.tcp-fast-open", "true"),
					Map.entry("fastnet.server.socket.tcp-defer-accept", "2"),
					Map.entry("fastnet.server.ssl.bundle", "web"), Map.entry("fastnet.server.ssl.client-auth", "want"),
					Map.entry("fastnet.server.ssl.handshake-timeout", "1")));
			assertThat(properties.getServer().toConfig().socket()).isEqualTo(SocketOptions.builder()
				.tcpNoDelay(false)
				.keepAlive(false)
				.sendBufferSize(64 * 1024)
				.receiveBufferSize(128 * 1024)
				.backlog(100)
				.acceptors(4)
				.tcpFastOpen(true)
				.tcpDeferAccept(Duration.ofSeconds(2))
				.build());
			FastnetSslProperties ssl = properties.getServer().getSsl();
			assertThat(ssl.getBundle()).isEqualTo("web");
			assertThat(ssl.getClientAuth()).isEqualTo(TlsConfig.ClientAuth.WANT);
			assertThat(ssl.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(1));
		}

		@Test
		void clientSocketPropertiesBind() {
			FastnetProperties properties = bind(Map.of("fastnet.client.kv.endpoints", "localhost:7000",
					"fastnet.client.kv.socket.tcp-no-delay", "false", "fastnet.client.kv.socket.send-buffer-size",
					"32KB", "fastnet.client.kv.ssl.bundle", "kv"));
			FastnetProperties.Client client = properties.getClient().get("kv");
			assertThat(client.toConfig("kv", client.endpointAddresses()).socket())
				.isEqualTo(SocketOptions.builder().tcpNoDelay(false).sendBufferSize(32 * 1024).build());
			assertThat(client.getSsl().getBundle()).isEqualTo("kv");
		}

	}

}
