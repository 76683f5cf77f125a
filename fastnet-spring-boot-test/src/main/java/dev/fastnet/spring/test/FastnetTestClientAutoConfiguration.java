package dev.fastnet.spring.test;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.handler.PayloadConverter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Provides a {@link FastnetTestClient} connected to the application's fastnet server.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration")
@ConditionalOnBean(FastnetServer.class)
public final class FastnetTestClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	FastnetTestClient fastnetTestClient(FastnetServer server, ObjectProvider<PayloadConverter> converter) {
		return new FastnetTestClient(server, converter.getIfAvailable());
	}

}
