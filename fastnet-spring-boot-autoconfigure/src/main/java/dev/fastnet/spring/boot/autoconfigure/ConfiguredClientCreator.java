package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.spring.client.FastnetDiscovery;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Creates a client from its {@code fastnet.client.<name>} properties: endpoints from discovery
 * or configuration, then every {@link FastnetClientCustomizer}.
 */
final class ConfiguredClientCreator implements Function<String, FastnetClient> {

	private final FastnetProperties properties;

	private final ObjectProvider<FastnetClientCustomizer> customizers;

	private final @Nullable FastnetDiscovery discovery;

	private final UnaryOperator<String> placeholders;

	ConfiguredClientCreator(FastnetProperties properties, ObjectProvider<FastnetClientCustomizer> customizers,
			@Nullable FastnetDiscovery discovery, UnaryOperator<String> placeholders) {
		this.properties = properties;
		this.customizers = customizers;
		this.discovery = discovery;
		this.placeholders = placeholders;
	}

	@Override
	public FastnetClient apply(String name) {
		FastnetProperties.Client client = this.properties.getClient().get(name);
		if (client == null) {
			throw new IllegalStateException("No fastnet.client." + name + " properties");
		}
		List<InetSocketAddress> endpoints = endpoints(name, client);
		FastnetClient.Builder builder = FastnetClient.builder(client.toConfig(name, endpoints));
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
		return builder.build();
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
		// Resolved again now: a placeholder may name a port published after the properties were bound
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
