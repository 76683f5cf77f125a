package dev.fastnet.server;

import java.nio.channels.ClosedChannelException;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * Why a server closed a connection whose TLS handshake did not complete; counted in
 * {@link ServerStats#tlsHandshakeFailures(TlsHandshakeFailure)}.
 *
 * @since 0.1.0
 */
public enum TlsHandshakeFailure {

	/** The peer sent something that is not TLS, such as plain fastnet frames. */
	NOT_TLS,

	/**
	 * The handshake did not complete within the handshake timeout; a silent peer, say.
	 */
	TIMEOUT,

	/** The peer closed the connection during the handshake. */
	CLOSED,

	/**
	 * The handshake failed: no common protocol or cipher, or a client certificate missing
	 * or not trusted.
	 */
	FAILED;

	/**
	 * Return the tag value of this reason in metrics.
	 * @return the lower-case name
	 */
	public String tag() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	static TlsHandshakeFailure of(Throwable cause) {
		if (cause instanceof NotSslRecordException || cause.getCause() instanceof NotSslRecordException) {
			return NOT_TLS;
		}
		if (cause instanceof SslHandshakeTimeoutException) {
			return TIMEOUT;
		}
		if (cause instanceof ClosedChannelException) {
			return CLOSED;
		}
		return FAILED;
	}

}
