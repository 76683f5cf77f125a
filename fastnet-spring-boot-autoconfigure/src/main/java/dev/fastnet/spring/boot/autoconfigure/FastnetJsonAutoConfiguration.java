package dev.fastnet.spring.boot.autoconfigure;

import dev.fastnet.spring.handler.JsonPayloadConverter;
import dev.fastnet.spring.handler.PayloadConverter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link PayloadConverter} that handlers and declarative
 * clients use for payloads that are not bytes or text: JSON with the application's
 * {@link JsonMapper}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ JsonMapper.class, PayloadConverter.class })
public final class FastnetJsonAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PayloadConverter fastnetPayloadConverter(ObjectProvider<JsonMapper> mapper) {
		return new JsonPayloadConverter(mapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

}
