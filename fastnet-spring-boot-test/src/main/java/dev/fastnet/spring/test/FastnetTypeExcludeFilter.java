package dev.fastnet.spring.test;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.fastnet.session.SessionListener;
import dev.fastnet.spring.boot.autoconfigure.FastnetClientCustomizer;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerCustomizer;
import dev.fastnet.spring.client.FastnetDiscovery;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.spring.handler.MessageHandlerAdvice;
import dev.fastnet.spring.handler.PayloadConverter;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.util.ClassUtils;

/**
 * Keeps the components a {@link FastnetTest} needs: beans with
 * {@link MessageHandler @MessageHandler} methods,
 * {@link MessageHandlerAdvice @MessageHandlerAdvice} beans, session listeners,
 * customizers, payload converters and Jackson components.
 */
final class FastnetTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<FastnetTest> {

	private static final Set<Class<?>> KNOWN_INCLUDES;

	static {
		Set<Class<?>> includes = new LinkedHashSet<>();
		includes.add(MessageHandler.class);
		includes.add(MessageHandlerAdvice.class);
		includes.add(SessionListener.class);
		includes.add(FastnetServerCustomizer.class);
		includes.add(FastnetClientCustomizer.class);
		includes.add(PayloadConverter.class);
		includes.add(FastnetDiscovery.class);
		ClassLoader classLoader = FastnetTypeExcludeFilter.class.getClassLoader();
		for (String optional : new String[] { "org.springframework.boot.jackson.JacksonComponent",
				"tools.jackson.databind.JacksonModule" }) {
			if (ClassUtils.isPresent(optional, classLoader)) {
				includes.add(ClassUtils.resolveClassName(optional, classLoader));
			}
		}
		KNOWN_INCLUDES = Set.copyOf(includes);
	}

	FastnetTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
	}

	@Override
	protected Set<Class<?>> getKnownIncludes() {
		return KNOWN_INCLUDES;
	}

	@Override
	protected boolean defaultInclude(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		// A handler bean may carry @MessageHandler on its methods only
		return super.defaultInclude(metadataReader, metadataReaderFactory)
				|| metadataReader.getAnnotationMetadata().hasAnnotatedMethods(MessageHandler.class.getName());
	}

}
