package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.spring.client.DiscoveryRefresher;
import dev.fastnet.spring.client.FastnetClientFactory;
import dev.fastnet.spring.client.FastnetDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that resolves {@code fastnet.client.<name>.service-id} with Spring
 * Cloud's {@link DiscoveryClient} and keeps the endpoints current.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = FastnetClientAutoConfiguration.class)
@ConditionalOnClass({ FastnetClient.class, DiscoveryClient.class })
public final class FastnetDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FastnetDiscovery fastnetDiscovery(ObjectProvider<DiscoveryClient> discoveryClient) {
		return (serviceId) -> {
			DiscoveryClient client = discoveryClient.getIfAvailable();
			if (client == null) {
				return List.of();
			}
			return client.getInstances(serviceId)
				.stream()
				.map((instance) -> InetSocketAddress.createUnresolved(instance.getHost(), instance.getPort()))
				.toList();
		};
	}

	@Bean
	@ConditionalOnMissingBean
	DiscoveryRefresher fastnetDiscoveryRefresher(FastnetProperties properties, FastnetDiscovery discovery,
			ObjectProvider<FastnetClientFactory> factory) {
		Map<String, DiscoveryRefresher.Target> targets = new LinkedHashMap<>();
		properties.getClient().forEach((name, client) -> {
			if (client.getServiceId() != null) {
				targets.put(name,
						new DiscoveryRefresher.Target(client.getServiceId(), client.getDiscoveryRefreshInterval()));
			}
		});
		return new DiscoveryRefresher(targets, discovery::endpoints, () -> {
			FastnetClientFactory clients = factory.getIfAvailable();
			return (clients != null) ? clients.clients() : Map.of();
		});
	}

}
