package dev.fastnet.spring.boot.autoconfigure;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.spring.client.FastnetClientFactory;
import dev.fastnet.spring.client.FastnetClientsRegistrar;
import dev.fastnet.spring.client.FastnetDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@link FastnetClient} beans described under
 * {@code fastnet.client.<name>}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { FastnetJsonAutoConfiguration.class, FastnetServerAutoConfiguration.class,
		SslAutoConfiguration.class })
@ConditionalOnClass(FastnetClient.class)
@EnableConfigurationProperties(FastnetProperties.class)
@Import(FastnetClientsRegistrar.class)
public final class FastnetClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FastnetClientFactory fastnetClientFactory(FastnetProperties properties,
			ObjectProvider<FastnetClientCustomizer> customizers, ObjectProvider<FastnetDiscovery> discovery,
			ObjectProvider<SslBundles> sslBundles, Environment environment) {
		return new FastnetClientFactory(new ConfiguredClientCreator(properties, customizers, discovery.getIfAvailable(),
				sslBundles, environment::resolveRequiredPlaceholders));
	}

}
