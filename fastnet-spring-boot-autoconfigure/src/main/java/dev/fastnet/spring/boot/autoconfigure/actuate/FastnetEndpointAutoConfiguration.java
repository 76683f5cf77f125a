package dev.fastnet.spring.boot.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.actuate.FastnetEndpoint;
import dev.fastnet.spring.boot.autoconfigure.FastnetClientAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.spring.handler.MessageHandlerRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code fastnet} actuator endpoint.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { FastnetServerAutoConfiguration.class, FastnetClientAutoConfiguration.class })
@ConditionalOnClass({ FastnetServer.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(FastnetEndpoint.class)
public final class FastnetEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FastnetEndpoint fastnetEndpoint(ObjectProvider<FastnetServer> server,
			ObjectProvider<MessageHandlerRegistry> registry, ListableBeanFactory beanFactory,
			ApplicationEventPublisher publisher) {
		return new FastnetEndpoint(server.getIfAvailable(), registry.getIfAvailable(), () -> {
			Map<String, FastnetClient> clients = new LinkedHashMap<>();
			beanFactory.getBeansOfType(FastnetClient.class)
				.values()
				.forEach((client) -> clients.put(client.config().name(), client));
			return clients;
		}, publisher);
	}

}
