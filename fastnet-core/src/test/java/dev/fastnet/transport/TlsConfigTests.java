package dev.fastnet.transport;

import java.time.Duration;

import dev.fastnet.test.TestCertificates;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TlsConfig} and {@link SocketOptions}.
 */
class TlsConfigTests {

	private static final X509Bundle AUTHORITY = TestCertificates.authority("fastnet test CA");

	private static final X509Bundle SERVER = TestCertificates.server(AUTHORITY, "server");

	@Test
	void serverSettingsDefaultToNoClientAuthAndTenSecondHandshakes() {
		TlsConfig tls = TlsConfig.forServer(TestCertificates.keys(SERVER)).build();
		assertThat(tls.context().isServer()).isTrue();
		assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
		assertThat(tls.handshakeTimeout()).isEqualTo(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT)
			.isEqualTo(Duration.ofSeconds(10));
		assertThat(tls.provider()).isEqualTo(TlsConfig.defaultProvider());
	}

	@Test
	void handshakeTimeoutMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> TlsConfig.forServer(TestCertificates.keys(SERVER)).handshakeTimeout(Duration.ZERO).build())
			.withMessage("handshakeTimeout must be positive: PT0S");
	}

	@Test
	void clientAuthAppliesToServersOnly() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsConfig.forClient().clientAuth(TlsConfig.ClientAuth.NEED).build())
			.withMessage("clientAuth applies to servers only: NEED");
	}

	@Test
	void socketOptionsDefaultToNoDelayKeepAliveAndOneAcceptor() {
		SocketOptions options = SocketOptions.defaults();
		assertThat(options.tcpNoDelay()).isTrue();
		assertThat(options.keepAlive()).isTrue();
		assertThat(options.sendBufferSize()).isZero();
		assertThat(options.receiveBufferSize()).isZero();
		assertThat(options.backlog()).isEqualTo(SocketOptions.DEFAULT_BACKLOG);
		assertThat(options.acceptors()).isOne();
		assertThat(options.needsNativeTransport()).isFalse();
		assertThat(options.toBuilder().tcpFastOpen(true).build().needsNativeTransport()).isTrue();
	}

	@Test
	void socketOptionsNameTheInvalidOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> SocketOptions.builder().acceptors(0).build())
			.withMessage("acceptors must be between 1 and 256: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> SocketOptions.builder().backlog(0).build())
			.withMessage("backlog must be at least 1: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> SocketOptions.builder().sendBufferSize(-1).build())
			.withMessage("sendBufferSize must be between 0 and 2147483647: -1");
	}

}
