package dev.fastnet.spring.boot.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.spring.health.FastnetServerHealthIndicator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code fastnet} health contributor: one component for the server.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FastnetServerAutoConfiguration.class)
@ConditionalOnClass({ FastnetServer.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(FastnetServer.class)
@ConditionalOnEnabledHealthIndicator("fastnet")
public final class FastnetHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "fastnetHealthContributor")
	HealthContributor fastnetHealthContributor(ObjectProvider<FastnetServer> server) {
		Map<String, HealthContributor> components = new LinkedHashMap<>();
		server.ifAvailable((s) -> components.put("server", new FastnetServerHealthIndicator(s)));
		return CompositeHealthContributor.fromMap(components);
	}

}
