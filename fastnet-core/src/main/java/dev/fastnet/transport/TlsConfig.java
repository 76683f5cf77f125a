package dev.fastnet.transport;

import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

/**
 * Immutable TLS settings of a server or a client: the Netty {@link SslContext} that new
 * connections use, whether a server asks for client certificates, and how long a
 * handshake may take. One object per listening address or client, so that each can carry
 * its own.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.forServer(keyManagerFactory)
 *     .trust(trustManagerFactory)
 *     .clientAuth(TlsConfig.ClientAuth.NEED)
 *     .build();
 * ServerConfig config = ServerConfig.builder().tls(tls).build();
 * }</pre>
 *
 * @param context the context new connections take their {@code SSLEngine} from; a server
 * context for servers, a client context for clients
 * @param clientAuth whether a server asks for client certificates (as built into the
 * context); {@link ClientAuth#NONE} for clients
 * @param handshakeTimeout a connection whose handshake has not completed this long after
 * it opened is closed; default 10 seconds
 * @since 0.1.0
 */
public record TlsConfig(SslContext context, ClientAuth clientAuth, Duration handshakeTimeout) {

	/** Default handshake timeout: 10 seconds, Netty's own default. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Validate the settings.
	 */
	public TlsConfig {
		Objects.requireNonNull(context, "context");
		Objects.requireNonNull(clientAuth, "clientAuth");
		Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
		if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
			throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
		}
		if (!context.isServer() && clientAuth != ClientAuth.NONE) {
			throw new IllegalArgumentException("clientAuth must be NONE for a client context: " + clientAuth);
		}
	}

	/**
	 * Return a builder of server settings presenting the given key and certificate.
	 * @param keys the server's key and certificate chain
	 * @return a new builder
	 */
	public static Builder forServer(KeyManagerFactory keys) {
		return new Builder(true, Objects.requireNonNull(keys, "keys"));
	}

	/**
	 * Return a builder of client settings; without
	 * {@link Builder#keys(KeyManagerFactory)} the client presents no certificate.
	 * @return a new builder
	 */
	public static Builder forClient() {
		return new Builder(false, null);
	}

	/**
	 * Return the settings with another context, for certificates reloaded without a
	 * restart; client authentication and handshake timeout stay.
	 * @param context the new context
	 * @return the new settings
	 */
	public TlsConfig withContext(SslContext context) {
		return new TlsConfig(context, this.clientAuth, this.handshakeTimeout);
	}

	/**
	 * Return the TLS implementation of the context.
	 * @return {@link SslProvider#JDK} or {@link SslProvider#OPENSSL}
	 */
	public SslProvider provider() {
		return (this.context instanceof JdkSslContext) ? SslProvider.JDK : SslProvider.OPENSSL;
	}

	/**
	 * Return the provider {@link Builder#build()} picks: OpenSSL (BoringSSL) when
	 * {@code netty-tcnative-boringssl-static} is on the class path and loads, the JDK
	 * otherwise.
	 * @return the provider
	 */
	public static SslProvider defaultProvider() {
		return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
	}

	/**
	 * Whether a server asks connecting clients for a certificate.
	 */
	public enum ClientAuth {

		/** No client certificate is asked for. */
		NONE,

		/** A client certificate is asked for; a client without one is still accepted. */
		WANT,

		/**
		 * A client certificate is required; a client without a trusted one fails its
		 * handshake.
		 */
		NEED;

		io.netty.handler.ssl.ClientAuth toNetty() {
			return switch (this) {
				case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
				case WANT -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
				case NEED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
			};
		}

	}

	/**
	 * Builds a {@link TlsConfig} and its {@link SslContext}.
	 */
	public static final class Builder {

		private final boolean server;

		private @Nullable KeyManagerFactory keys;

		private @Nullable TrustManagerFactory trust;

		private ClientAuth clientAuth = ClientAuth.NONE;

		private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

		private @Nullable SslProvider provider;

		private String @Nullable [] protocols;

		private String @Nullable [] ciphers;

		private Builder(boolean server, @Nullable KeyManagerFactory keys) {
			this.server = server;
			this.keys = keys;
		}

		/**
		 * Set the key and certificate chain presented to the peer: a client's certificate
		 * for mutual TLS.
		 * @param keys the key manager factory
		 * @return this builder
		 */
		public Builder keys(KeyManagerFactory keys) {
			this.keys = Objects.requireNonNull(keys, "keys");
			return this;
		}

		/**
		 * Set the certificates trusted to sign the peer's certificate; without it the
		 * JDK's default trust store.
		 * @param trust the trust manager factory
		 * @return this builder
		 */
		public Builder trust(TrustManagerFactory trust) {
			this.trust = Objects.requireNonNull(trust, "trust");
			return this;
		}

		/**
		 * Set whether a server asks for client certificates; a server that does needs
		 * {@link #trust(TrustManagerFactory)} to check them.
		 * @param clientAuth the choice; default {@link ClientAuth#NONE}
		 * @return this builder
		 */
		public Builder clientAuth(ClientAuth clientAuth) {
			this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
			return this;
		}

		/**
		 * Set how long a handshake may take.
		 * @param handshakeTimeout the time; default {@link #DEFAULT_HANDSHAKE_TIMEOUT}
		 * @return this builder
		 */
		public Builder handshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
			return this;
		}

		/**
		 * Set the TLS implementation instead of {@link TlsConfig#defaultProvider()}.
		 * @param provider the provider
		 * @return this builder
		 */
		public Builder provider(SslProvider provider) {
			this.provider = Objects.requireNonNull(provider, "provider");
			return this;
		}

		/**
		 * Set the TLS versions allowed instead of the provider's defaults.
		 * @param protocols the versions, such as {@code TLSv1.3}
		 * @return this builder
		 */
		public Builder protocols(String... protocols) {
			this.protocols = protocols.clone();
			return this;
		}

		/**
		 * Set the cipher suites allowed instead of the provider's defaults.
		 * @param ciphers the suites
		 * @return this builder
		 */
		public Builder ciphers(String... ciphers) {
			this.ciphers = ciphers.clone();
			return this;
		}

		/**
		 * Build the context and the settings.
		 * @return the settings
		 * @throws IllegalArgumentException when the keys or trust material cannot be used
		 */
		public TlsConfig build() {
			if (!this.server && this.clientAuth != ClientAuth.NONE) {
				throw new IllegalArgumentException("clientAuth applies to servers only: " + this.clientAuth);
			}
			SslContextBuilder builder = (this.server) ? SslContextBuilder.forServer(Objects.requireNonNull(this.keys))
					: SslContextBuilder.forClient();
			if (!this.server && this.keys != null) {
				builder.keyManager(this.keys);
			}
			if (this.trust != null) {
				builder.trustManager(this.trust);
			}
			if (this.server) {
				builder.clientAuth(this.clientAuth.toNetty());
			}
			builder.sslProvider((this.provider != null) ? this.provider : defaultProvider());
			if (this.protocols != null) {
				builder.protocols(this.protocols);
			}
			if (this.ciphers != null) {
				builder.ciphers(java.util.List.of(this.ciphers));
			}
			try {
				return new TlsConfig(builder.build(), this.clientAuth, this.handshakeTimeout);
			}
			catch (SSLException ex) {
				throw new IllegalArgumentException("TLS context could not be built: " + ex.getMessage(), ex);
			}
		}

	}

}
