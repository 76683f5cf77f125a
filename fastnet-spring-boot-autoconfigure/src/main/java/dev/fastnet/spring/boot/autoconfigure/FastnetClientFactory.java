package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;

/**
 * Creates the {@link FastnetClient} of each {@code fastnet.client.<name>} entry and knows them by
 * name afterwards.
 *
 * @since 0.1.0
 */
public class FastnetClientFactory {

	private final FastnetProperties properties;

	private final ObjectProvider<FastnetClientCustomizer> customizers;

	private final @Nullable Function<String, List<InetSocketAddress>> discovery;

	private final ObjectProvider<SslBundles> sslBundles;

	private final Map<String, FastnetClient> clients = new ConcurrentHashMap<>();

	/**
	 * Create a factory.
	 * @param properties the properties
	 * @param customizers the customizers applied to every client
	 * @param discovery resolves a service id to endpoints, or {@code null} without discovery
	 * @param sslBundles the SSL bundles named by {@code fastnet.client.<name>.ssl.bundle}
	 */
	public FastnetClientFactory(FastnetProperties properties, ObjectProvider<FastnetClientCustomizer> customizers,
			@Nullable Function<String, List<InetSocketAddress>> discovery, ObjectProvider<SslBundles> sslBundles) {
		this.properties = properties;
		this.customizers = customizers;
		this.discovery = discovery;
		this.sslBundles = sslBundles;
	}

	/**
	 * Create the client with the given name.
	 * @param name the key under {@code fastnet.client}
	 * @return the client
	 */
	public FastnetClient create(String name) {
		FastnetProperties.Client client = this.properties.getClient().get(name);
		if (client == null) {
			throw new IllegalStateException("No fastnet.client." + name + " properties");
		}
		List<InetSocketAddress> endpoints = endpoints(name, client);
		AtomicReference<@Nullable FastnetClient> built = new AtomicReference<>();
		// A reloaded bundle applies to new connections; open ones keep what they had
		TlsConfig tls = FastnetSslBundles.tls("fastnet.client." + name + ".ssl.bundle", client.getSsl(), false,
				this.sslBundles, (updated) -> {
					FastnetClient current = built.get();
					if (current != null && current.tls().isPresent()) {
						current.updateTls(updated);
					}
				});
		FastnetClient.Builder builder = FastnetClient
			.builder(client.toConfig(name, endpoints).toBuilder().tls(tls).build());
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
		FastnetClient created = builder.build();
		built.set(created);
		this.clients.put(name, created);
		return created;
	}

	private List<InetSocketAddress> endpoints(String name, FastnetProperties.Client client) {
		String serviceId = client.getServiceId();
		if (serviceId != null && this.discovery != null) {
			List<InetSocketAddress> discovered = this.discovery.apply(serviceId);
			if (!discovered.isEmpty()) {
				return discovered;
			}
			if (client.getEndpoints().isEmpty()) {
				throw new IllegalStateException("fastnet.client." + name + ".service-id '" + serviceId
						+ "' has no instances and no endpoints are configured");
			}
		}
		else if (serviceId != null && client.getEndpoints().isEmpty()) {
			throw new IllegalStateException("fastnet.client." + name + ".service-id needs a Spring Cloud "
					+ "DiscoveryClient, or configure fastnet.client." + name + ".endpoints");
		}
		return client.endpointAddresses();
	}

	/**
	 * Return the clients created so far, by name.
	 * @return an unmodifiable view
	 */
	public Map<String, FastnetClient> clients() {
		return Collections.unmodifiableMap(this.clients);
	}

}
