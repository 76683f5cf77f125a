package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.spring.client.FastnetDiscovery;
import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;

/**
 * Creates a client from its {@code fastnet.client.<name>} properties: endpoints from
 * discovery or configuration, then every {@link FastnetClientCustomizer}.
 */
final class ConfiguredClientCreator implements Function<String, FastnetClient> {

	private final FastnetProperties properties;

	private final ObjectProvider<FastnetClientCustomizer> customizers;

	private final @Nullable FastnetDiscovery discovery;

	private final ObjectProvider<SslBundles> sslBundles;

	private final UnaryOperator<String> placeholders;

	ConfiguredClientCreator(FastnetProperties properties, ObjectProvider<FastnetClientCustomizer> customizers,
			@Nullable FastnetDiscovery discovery, ObjectProvider<SslBundles> sslBundles,
			UnaryOperator<String> placeholders) {
		this.properties = properties;
		this.customizers = customizers;
		this.discovery = discovery;
		this.sslBundles = sslBundles;
		this.placeholders = placeholders;
	}

	@Override
	public FastnetClient apply(String name) {
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
		return created;
	}

	private List<InetSocketAddress> endpoints(String name, FastnetProperties.Client client) {
		String serviceId = client.getServiceId();
		if (serviceId != null && this.discovery != null) {
			List<InetSocketAddress> discovered = this.discovery.endpoints(serviceId);
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
		// Resolved again now: a placeholder may name a port published after the
		// properties were bound
		List<InetSocketAddress> endpoints = new ArrayList<>();
		for (String endpoint : client.getEndpoints()) {
			try {
				endpoints.add(FastnetProperties.Client.parseEndpoint(this.placeholders.apply(endpoint)));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("fastnet.client." + name + ".endpoints: " + ex.getMessage(), ex);
			}
		}
		return endpoints;
	}

}
