package dev.fastnet.spring.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.context.FastnetServerLifecycle;
import dev.fastnet.spring.handler.MessageHandlerAdvice;
import dev.fastnet.spring.handler.MessageHandlerRegistry;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Binds the {@link FastnetTest} server while the context is being created, once every
 * handler bean exists and before any {@link FastnetClient} bean is created, so that
 * client properties such as
 * {@code fastnet.client.<name>.endpoints=localhost:${local.fastnet.port}} resolve to it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration")
@ConditionalOnClass(FastnetServer.class)
public final class FastnetTestServerAutoConfiguration {

	static final String STARTER_BEAN_NAME = "fastnetTestServerStarter";

	@Bean(STARTER_BEAN_NAME)
	ServerStarter fastnetTestServerStarter(ObjectProvider<FastnetServerLifecycle> lifecycle) {
		return new ServerStarter(lifecycle);
	}

	@Bean
	static BeanFactoryPostProcessor fastnetTestServerStartOrder() {
		return FastnetTestServerAutoConfiguration::orderServerStart;
	}

	private static void orderServerStart(ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBeanDefinition(STARTER_BEAN_NAME)) {
			return;
		}
		// The server's routes are fixed when it starts: every handler must exist by then
		List<String> handlers = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(name, false);
			if (type != null && (MessageHandlerRegistry.hasHandlerMethods(type)
					|| AnnotatedElementUtils.hasAnnotation(type, MessageHandlerAdvice.class))) {
				handlers.add(name);
			}
		}
		beanFactory.getBeanDefinition(STARTER_BEAN_NAME).setDependsOn(handlers.toArray(String[]::new));
		for (String client : beanFactory.getBeanNamesForType(FastnetClient.class, true, false)) {
			if (beanFactory.containsBeanDefinition(client)) {
				BeanDefinition definition = beanFactory.getBeanDefinition(client);
				Set<String> dependsOn = new LinkedHashSet<>();
				if (definition.getDependsOn() != null) {
					dependsOn.addAll(List.of(definition.getDependsOn()));
				}
				dependsOn.add(STARTER_BEAN_NAME);
				definition.setDependsOn(dependsOn.toArray(String[]::new));
			}
		}
	}

	/**
	 * Starts the server's lifecycle as soon as it is created; the context's lifecycle
	 * processor then finds it running and leaves it be, and stops it as usual when the
	 * context closes.
	 */
	static final class ServerStarter implements InitializingBean {

		private final ObjectProvider<FastnetServerLifecycle> lifecycle;

		ServerStarter(ObjectProvider<FastnetServerLifecycle> lifecycle) {
			this.lifecycle = lifecycle;
		}

		@Override
		public void afterPropertiesSet() {
			FastnetServerLifecycle lifecycle = this.lifecycle.getIfUnique();
			if (lifecycle != null && !lifecycle.isRunning()) {
				lifecycle.start();
			}
		}

	}

}
