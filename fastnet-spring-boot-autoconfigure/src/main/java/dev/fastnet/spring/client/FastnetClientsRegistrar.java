package dev.fastnet.spring.client;

import java.util.Map;

import dev.fastnet.client.FastnetClient;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link FastnetClient} bean per {@code fastnet.client.<name>} entry, named
 * {@code <name>FastnetClient} and qualified with {@code <name>}, so that
 * {@code @Qualifier("orders") FastnetClient orders} injects it. Each bean is created by
 * the {@link FastnetClientFactory} bean.
 *
 * @since 0.1.0
 */
public class FastnetClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (this.environment == null) {
			return;
		}
		// Only the names matter here; the values are bound and checked when each client
		// is created
		Map<String, Object> clients = Binder.get(this.environment)
			.bind("fastnet.client", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : clients.keySet()) {
			String beanName = name + "FastnetClient";
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			BeanFactory beanFactory = this.beanFactory;
			RootBeanDefinition definition = new RootBeanDefinition(FastnetClient.class,
					() -> beanFactory.getBean(FastnetClientFactory.class).create(name));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			definition.setDestroyMethodName("close");
			registry.registerBeanDefinition(beanName, definition);
		}
	}

}
