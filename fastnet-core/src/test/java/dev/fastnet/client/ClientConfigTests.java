package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.transport.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClientConfig}, {@link PoolOptions} and {@link ReconnectOptions}.
 */
class ClientConfigTests {

	@Test
	void defaultsMatchTheDocumentedValues() {
		ClientConfig config = ClientConfig.builder().endpoint("localhost", 7000).build();
		assertThat(config.endpoints()).containsExactly(InetSocketAddress.createUnresolved("localhost", 7000));
		assertThat(config.name()).isEqualTo("default");
		assertThat(config.ioThreads()).isZero();
		assertThat(config.maxFrameSize()).isEqualTo(FrameFormat.DEFAULT_MAX_FRAME_SIZE);
		assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(config.balancing()).isEqualTo(Balancing.LEAST_OUTSTANDING);
		assertThat(config.transport()).isEqualTo(Transport.AUTO);
		PoolOptions pool = config.pool();
		assertThat(pool.minIdle()).isZero();
		assertThat(pool.maxConnections()).isEqualTo(4);
		assertThat(pool.maxInFlightPerConnection()).isEqualTo(1024);
		assertThat(pool.acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(pool.maxPendingAcquires()).isEqualTo(1024);
		assertThat(pool.maxIdleTime()).isEqualTo(Duration.ofMinutes(5));
		assertThat(pool.pingInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(pool.pingTimeout()).isEqualTo(Duration.ofSeconds(5));
		ReconnectOptions reconnect = config.reconnect();
		assertThat(reconnect.initialBackoff()).isEqualTo(Duration.ofMillis(100));
		assertThat(reconnect.multiplier()).isEqualTo(1.6);
		assertThat(reconnect.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
		assertThat(reconnect.jitter()).isEqualTo(0.2);
		assertThat(reconnect.failureThreshold()).isEqualTo(5);
		assertThat(reconnect.circuitCoolDown()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void toBuilderCopiesEveryValue() {
		ClientConfig config = ClientConfig.builder()
			.endpoint("a", 1)
			.endpoint("b", 2)
			.name("orders")
			.ioThreads(3)
			.pool(PoolOptions.builder().minIdle(2).build())
			.reconnect(ReconnectOptions.builder().failureThreshold(9).build())
			.balancing(Balancing.ROUND_ROBIN)
			.build();
		assertThat(config.toBuilder().build()).isEqualTo(config);
		assertThat(config.pool().toBuilder().build()).isEqualTo(config.pool());
		assertThat(config.reconnect().toBuilder().build()).isEqualTo(config.reconnect());
	}

	@Test
	void invalidValuesAreRejectedNamingTheOptionAndTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClientConfig.builder().build())
			.withMessage("endpoints must not be empty");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.builder().endpoint("a", 1).endpoint("a", 1).build())
			.withMessageStartingWith("endpoints must not contain duplicates");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.builder().endpoint("a", 1).requestTimeout(Duration.ZERO).build())
			.withMessage("requestTimeout must be positive: PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClientConfig.builder().endpoint("a", 1).maxFrameSize(4).build())
			.withMessage("maxFrameSize must be between 8 and 2147483647: 4");
		assertThatIllegalArgumentException().isThrownBy(() -> PoolOptions.builder().maxConnections(0).build())
			.withMessage("maxConnections must be at least 1: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> PoolOptions.builder().minIdle(5).build())
			.withMessage("minIdle must be between 0 and maxConnections (4): 5");
		assertThatIllegalArgumentException().isThrownBy(() -> PoolOptions.builder().maxPendingAcquires(-1).build())
			.withMessage("maxPendingAcquires must be at least 0: -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ReconnectOptions.builder().multiplier(0.5).build())
			.withMessage("multiplier must be at least 1: 0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> ReconnectOptions.builder().jitter(1.5).build())
			.withMessage("jitter must be between 0 and 1: 1.5");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReconnectOptions.builder().maxBackoff(Duration.ofMillis(10)).build())
			.withMessage("maxBackoff must be at least initialBackoff (PT0.1S): PT0.01S");
	}

	@Test
	void endpointListIsImmutable() {
		ClientConfig config = ClientConfig.builder().endpoints(List.of(new InetSocketAddress("127.0.0.1", 1))).build();
		assertThat(config.endpoints()).isUnmodifiable();
	}

}
