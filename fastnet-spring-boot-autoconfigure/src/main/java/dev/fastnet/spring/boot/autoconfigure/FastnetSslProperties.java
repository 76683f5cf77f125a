package dev.fastnet.spring.boot.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;

/**
 * TLS properties of a fastnet server or client, taken from a Spring Boot SSL bundle.
 *
 * @since 0.1.0
 */
public class FastnetSslProperties {

	/**
	 * Name of the SSL bundle ('spring.ssl.bundle.*') holding the key, certificates and
	 * trust. TLS is on when set.
	 */
	private @Nullable String bundle;

	/**
	 * Whether the server asks clients for a certificate: none, want or need. Servers
	 * only.
	 */
	private TlsConfig.ClientAuth clientAuth = TlsConfig.ClientAuth.NONE;

	/**
	 * Time a TLS handshake may take before the connection is closed.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

	public TlsConfig.ClientAuth getClientAuth() {
		return this.clientAuth;
	}

	public void setClientAuth(TlsConfig.ClientAuth clientAuth) {
		this.clientAuth = clientAuth;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

}
