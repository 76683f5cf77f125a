package dev.fastnet.spring.client;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean for every {@link FastnetExchange} interface named or found by
 * {@link EnableFastnetClients}.
 */
class FastnetClientsScanRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	private @Nullable BeanFactory beanFactory;

	private @Nullable Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, @Nullable Object> attributes = metadata
			.getAnnotationAttributes(EnableFastnetClients.class.getName());
		if (attributes == null) {
			return;
		}
		ClassLoader classLoader = (this.resourceLoader != null) ? this.resourceLoader.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		Set<Class<?>> interfaces = new LinkedHashSet<>();
		for (Class<?> type : (Class<?>[]) attributes.get("clients")) {
			interfaces.add(type);
		}
		String[] basePackages = (String[]) attributes.get("basePackages");
		if (basePackages == null || basePackages.length == 0) {
			basePackages = new String[] { ClassUtils.getPackageName(metadata.getClassName()) };
		}
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}
		};
		if (this.environment != null) {
			scanner.setEnvironment(this.environment);
		}
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		scanner.addIncludeFilter(new AnnotationTypeFilter(FastnetExchange.class));
		for (String basePackage : basePackages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				interfaces.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader));
			}
		}
		for (Class<?> type : interfaces) {
			register(registry, type);
		}
	}

	private <T> void register(BeanDefinitionRegistry registry, Class<T> type) {
		FastnetExchange annotation = type.getAnnotation(FastnetExchange.class);
		if (annotation == null) {
			throw new IllegalStateException(type.getName() + " is not annotated with @FastnetExchange");
		}
		String beanName = type.getName();
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		BeanFactory beanFactory = this.beanFactory;
		RootBeanDefinition definition = new RootBeanDefinition(type,
				() -> ClientProxyFactory.create(type, annotation.value(), beanFactory));
		registry.registerBeanDefinition(beanName, definition);
	}

}
