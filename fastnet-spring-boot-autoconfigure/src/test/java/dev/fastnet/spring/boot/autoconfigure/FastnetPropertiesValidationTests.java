package dev.fastnet.spring.boot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the validation of {@link FastnetProperties} through Boot's binder: every
 * rejected value names its property, the value and what is allowed.
 */
class FastnetPropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class)
		.withPropertyValues("fastnet.client.orders.endpoints=127.0.0.1:7000");

	@Test
	void serverPortOutOfRange() {
		assertRejected("server.port", 70000, "must be between 0 and 65535 but was 70000", "fastnet.server.port=70000");
	}

	@Test
	void serverAddressThatIsNeitherAnAddressNorAHostName() {
		assertRejected("server.address", "0.0.0.0:7000",
				"must be an IPv4 address, an IPv6 address or a host name but was '0.0.0.0:7000'",
				"fastnet.server.address=0.0.0.0:7000");
		assertRejected("server.address", "300.1.1.1",
				"must be an IPv4 address, an IPv6 address or a host name but was '300.1.1.1'",
				"fastnet.server.address=300.1.1.1");
	}

	@Test
	void serverAddressMayBeIpv6OrAHostName() {
		for (String address : new String[] { "::1", "[::1]", "localhost", "fastnet-1.example.com", "10.0.0.5" }) {
			this.runner.withPropertyValues("fastnet.server.address=" + address)
				.run((context) -> assertThat(context).hasNotFailed());
		}
	}

	@Test
	void lowWaterMarkAboveTheHighOneIsReportedOnTheLowOneWithItsValue() {
		assertRejected("server.write-buffer-low-water-mark", "131072B",
				"must be between 1B and write-buffer-high-water-mark (65536B) but was 131072B",
				"fastnet.server.write-buffer-low-water-mark=128KB");
		assertRejected("server.write-buffer-low-water-mark", "32768B",
				"must be between 1B and write-buffer-high-water-mark (16384B) but was 32768B",
				"fastnet.server.write-buffer-high-water-mark=16KB");
	}

	@Test
	void frameSizeBelowTheHeader() {
		assertRejected("server.max-frame-size", "4B", "must be between 8B and 2147483647B but was 4B",
				"fastnet.server.max-frame-size=4B");
	}

	@Test
	void webSocketListenerWithAnotherFramingThanFastnet() {
		assertRejected("server.listeners[ws].framing", "anet",
				"must be fastnet for the websocket transport but was anet",
				"fastnet.server.listeners.ws.transport=websocket", "fastnet.server.listeners.ws.framing=anet",
				"fastnet.server.listeners.ws.route=echo");
	}

	@Test
	void webSocketPathWithoutLeadingSlash() {
		assertRejected("server.listeners[ws].path", "fastnet",
				"must start with '/' and hold printable ASCII other than '?' and '#' but was fastnet",
				"fastnet.server.listeners.ws.transport=websocket", "fastnet.server.listeners.ws.path=fastnet");
	}

	@Test
	void udpFrameSizeLargerThanADatagram() {
		assertRejected("server.listeners[udp].max-frame-size", 65536L, "must be between 8 and 65503 but was 65536",
				"fastnet.server.listeners.udp.transport=udp", "fastnet.server.listeners.udp.max-frame-size=64KB");
	}

	@Test
	void negativeDuration() {
		assertRejected("server.idle-timeout", "-1s", "must be zero or positive but was -1s",
				"fastnet.server.idle-timeout=-1s");
	}

	@Test
	void reconnectJitterAboveOne() {
		assertRejected("client[orders].reconnect.jitter", 1.5, "must be between 0.0 and 1.0 but was 1.5",
				"fastnet.client.orders.reconnect.jitter=1.5");
	}

	@Test
	void reconnectMultiplierBelowOne() {
		assertRejected("client[orders].reconnect.multiplier", 0.5,
				"must be a finite number of at least 1.0 but was 0.5",
				"fastnet.client.orders.reconnect.multiplier=0.5");
	}

	@Test
	void maxBackoffBelowTheInitialOne() {
		assertRejected("client[orders].reconnect.max-backoff", "50ms",
				"must be at least reconnect.initial-backoff (100ms) but was 50ms",
				"fastnet.client.orders.reconnect.max-backoff=50ms");
	}

	@Test
	void clientRequestTimeoutOfZero() {
		assertRejected("client[orders].request-timeout", "0s", "must be positive but was 0s",
				"fastnet.client.orders.request-timeout=0");
	}

	@Test
	void negativeResendBufferSize() {
		assertRejected("client[orders].resend-buffer-size", "-1B", "must be zero or positive but was -1B",
				"fastnet.client.orders.resend-buffer-size=-1B");
	}

	@Test
	void malformedEndpoint() {
		assertRejected("client[orders].endpoints", "no-port-here", "'no-port-here' is not host:port",
				"fastnet.client.orders.endpoints=no-port-here");
	}

	@Test
	void durationsWithoutAUnitAreMilliseconds() {
		this.runner
			.withPropertyValues("fastnet.server.request-timeout=1500", "fastnet.client.orders.connect-timeout=250")
			.run((context) -> {
				FastnetProperties properties = context.getBean(FastnetProperties.class);
				assertThat(properties.getServer().getRequestTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(properties.getClient().get("orders").getConnectTimeout()).isEqualTo(Duration.ofMillis(250));
			});
	}

	private void assertRejected(String field, Object value, String reason, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BindValidationException.class);
			BindValidationException failure = (BindValidationException) rootCause(context.getStartupFailure());
			assertThat(failure.getValidationErrors().getName().toString()).isEqualTo("fastnet");
			assertThat(failure.getValidationErrors().getAllErrors()).singleElement().satisfies((error) -> {
				assertThat(error).isInstanceOf(FieldError.class);
				FieldError fieldError = (FieldError) error;
				assertThat(fieldError.getField()).isEqualTo(field);
				assertThat(String.valueOf(fieldError.getRejectedValue())).isEqualTo(String.valueOf(value));
				assertThat(fieldError.getDefaultMessage()).isEqualTo(reason);
			});
		});
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FastnetProperties.class)
	static class PropertiesConfiguration {

	}

}
