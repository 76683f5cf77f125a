package dev.fastnet.spring.boot.autoconfigure;

import java.util.function.Consumer;

import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns the SSL bundle named in fastnet's properties into {@link TlsConfig}, again
 * whenever the bundle is updated.
 */
final class FastnetSslBundles {

	private FastnetSslBundles() {
	}

	/**
	 * Return the TLS settings of the configured bundle, and have {@code onUpdate} receive
	 * new ones whenever Boot reloads the bundle.
	 * @param property the property naming the bundle, for error messages
	 * @param ssl the properties
	 * @param server whether for a server
	 * @param bundles the application's bundles
	 * @param onUpdate receives the settings of each update
	 * @return the settings, or {@code null} when no bundle is configured
	 */
	static @Nullable TlsConfig tls(String property, FastnetSslProperties ssl, boolean server,
			ObjectProvider<SslBundles> bundles, Consumer<TlsConfig> onUpdate) {
		String name = ssl.getBundle();
		if (name == null) {
			return null;
		}
		SslBundles registry = bundles.getIfAvailable();
		if (registry == null) {
			throw new IllegalStateException(property + " is set to '" + name + "' but there is no SslBundles bean");
		}
		TlsConfig tls = toTls(registry.getBundle(name), ssl, server);
		registry.addBundleUpdateHandler(name, (updated) -> onUpdate.accept(toTls(updated, ssl, server)));
		return tls;
	}

	static TlsConfig toTls(SslBundle bundle, FastnetSslProperties ssl, boolean server) {
		SslManagerBundle managers = bundle.getManagers();
		TlsConfig.Builder builder;
		if (server) {
			builder = TlsConfig.forServer(managers.getKeyManagerFactory()).clientAuth(ssl.getClientAuth());
		}
		else {
			builder = TlsConfig.forClient();
			if (bundle.getStores().getKeyStore() != null) {
				builder.keys(managers.getKeyManagerFactory());
			}
		}
		builder.trust(managers.getTrustManagerFactory()).handshakeTimeout(ssl.getHandshakeTimeout());
		SslOptions options = bundle.getOptions();
		String[] protocols = options.getEnabledProtocols();
		if (protocols != null) {
			builder.protocols(protocols);
		}
		String[] ciphers = options.getCiphers();
		if (ciphers != null) {
			builder.ciphers(ciphers);
		}
		return builder.build();
	}

}
