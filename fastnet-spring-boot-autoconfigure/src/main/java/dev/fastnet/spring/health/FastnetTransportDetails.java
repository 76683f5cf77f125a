package dev.fastnet.spring.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.fastnet.server.ServerStats;
import dev.fastnet.server.TlsHandshakeFailure;
import dev.fastnet.transport.SocketOptions;
import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;

/**
 * Describes the TLS and socket options of a fastnet server or client for health details
 * and the {@code fastnet} actuator endpoint, the same way in both.
 *
 * @since 0.1.0
 */
public final class FastnetTransportDetails {

	private FastnetTransportDetails() {
	}

	/**
	 * Describe TLS: whether it is on, its provider ({@code openssl} or {@code jdk}),
	 * client authentication, handshake timeout and, for a server, handshake failures by
	 * reason.
	 * @param tls the TLS settings, empty for plain TCP
	 * @param stats the server's figures, or {@code null} for a client
	 * @return the description
	 */
	public static Map<String, Object> tls(Optional<TlsConfig> tls, @Nullable ServerStats stats) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("enabled", tls.isPresent());
		tls.ifPresent((settings) -> {
			details.put("provider", settings.provider().name().toLowerCase());
			if (settings.context().isServer()) {
				details.put("clientAuth", settings.clientAuth().name().toLowerCase());
			}
			details.put("handshakeTimeout", settings.handshakeTimeout().toString());
			if (stats != null) {
				Map<String, Object> failures = new LinkedHashMap<>();
				for (TlsHandshakeFailure failure : TlsHandshakeFailure.values()) {
					failures.put(failure.tag(), stats.tlsHandshakeFailures(failure));
				}
				details.put("handshakeFailures", failures);
			}
		});
		return details;
	}

	/**
	 * Describe socket options; the accept-side ones only for a server.
	 * @param socket the options
	 * @param server whether they belong to a server
	 * @return the description
	 */
	public static Map<String, Object> socket(SocketOptions socket, boolean server) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("tcpNoDelay", socket.tcpNoDelay());
		details.put("keepAlive", socket.keepAlive());
		details.put("sendBufferSize", socket.sendBufferSize());
		details.put("receiveBufferSize", socket.receiveBufferSize());
		details.put("tcpFastOpen", socket.tcpFastOpen());
		if (server) {
			details.put("backlog", socket.backlog());
			details.put("acceptors", socket.acceptors());
			details.put("tcpDeferAccept", socket.tcpDeferAccept().toString());
		}
		return details;
	}

}
