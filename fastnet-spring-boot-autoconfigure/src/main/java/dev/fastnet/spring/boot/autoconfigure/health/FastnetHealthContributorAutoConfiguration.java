package dev.fastnet.spring.boot.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.boot.autoconfigure.FastnetClientAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.spring.health.FastnetClientHealthIndicator;
import dev.fastnet.spring.health.FastnetServerHealthIndicator;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configuration of the {@code fastnet} health contributor: a component for the
 * server and one per client.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { FastnetServerAutoConfiguration.class, FastnetClientAutoConfiguration.class })
@ConditionalOnClass({ FastnetServer.class, ConditionalOnEnabledHealthIndicator.class })
@Conditional(FastnetHealthContributorAutoConfiguration.ServerOrClientsCondition.class)
@ConditionalOnEnabledHealthIndicator("fastnet")
public final class FastnetHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "fastnetHealthContributor")
	HealthContributor fastnetHealthContributor(ObjectProvider<FastnetServer> server, ListableBeanFactory beanFactory) {
		Map<String, HealthContributor> components = new LinkedHashMap<>();
		server.ifAvailable((s) -> components.put("server", new FastnetServerHealthIndicator(s)));
		Map<String, HealthContributor> clients = new LinkedHashMap<>();
		beanFactory.getBeansOfType(FastnetClient.class)
			.forEach((beanName, client) -> clients.put(client.config().name(),
					new FastnetClientHealthIndicator(client)));
		if (!clients.isEmpty()) {
			components.put("clients", CompositeHealthContributor.fromMap(clients));
		}
		return CompositeHealthContributor.fromMap(components);
	}

	static final class ServerOrClientsCondition extends AnyNestedCondition {

		ServerOrClientsCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(FastnetServer.class)
		static final class Server {

		}

		@ConditionalOnBean(FastnetClient.class)
		static final class Clients {

		}

	}

}
