package dev.fastnet.server;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ServerConfig}.
 */
class ServerConfigTests {

	@Test
	void frameLimitsDefaultToTheDocumentedValues() {
		ServerConfig config = ServerConfig.defaults();
		assertThat(config.frameTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(config.maxPartialFrameBytes()).isEqualTo(64L * 1024 * 1024);
		assertThat(config.maxHeaderCount()).isEqualTo(64);
		assertThat(config.maxHeaderSize()).isEqualTo(8 * 1024);
	}

	@Test
	void frameLimitsSurviveToBuilder() {
		ServerConfig config = ServerConfig.builder()
			.frameTimeout(Duration.ZERO)
			.maxPartialFrameBytes(0)
			.maxHeaderCount(0)
			.maxHeaderSize(65535)
			.build();
		assertThat(config.toBuilder().build()).isEqualTo(config);
	}

	@Test
	void frameLimitsOutOfRangeAreRejectedNamingTheOption() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerConfig.builder().frameTimeout(Duration.ofMillis(-1)).build())
			.withMessage("frameTimeout must not be negative: PT-0.001S");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().maxPartialFrameBytes(-1).build())
			.withMessage("maxPartialFrameBytes must be between 0 and 9223372036854775807: -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().maxHeaderCount(-1).build())
			.withMessage("maxHeaderCount must be between 0 and 2147483647: -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().maxHeaderSize(65536).build())
			.withMessage("maxHeaderSize must be between 0 and 65535: 65536");
	}

	@Test
	void pingLimitsDefaultToTheDocumentedValuesAndSurviveToBuilder() {
		ServerConfig defaults = ServerConfig.defaults();
		assertThat(defaults.minPingInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.maxPingStrikes()).isEqualTo(2);
		ServerConfig config = ServerConfig.builder().minPingInterval(Duration.ZERO).maxPingStrikes(0).build();
		assertThat(config.toBuilder().build()).isEqualTo(config);
	}

	@Test
	void pingLimitsOutOfRangeAreRejectedNamingTheOption() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerConfig.builder().minPingInterval(Duration.ofSeconds(-1)).build())
			.withMessage("minPingInterval must not be negative: PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().maxPingStrikes(-1).build())
			.withMessage("maxPingStrikes must be between 0 and 2147483647: -1");
	}

	@Test
	void fastnetClientsPingLessOftenThanServersAllowByDefault() {
		assertThat(dev.fastnet.client.PoolOptions.DEFAULT_PING_INTERVAL)
			.isGreaterThanOrEqualTo(ServerConfig.DEFAULT_MIN_PING_INTERVAL);
	}

}
