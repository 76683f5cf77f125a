package dev.fastnet.spring.handler;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link PayloadConverter} that reads and writes JSON with Jackson.
 *
 * @since 0.1.0
 */
public class JsonPayloadConverter implements PayloadConverter {

	private final JsonMapper mapper;

	/**
	 * Create a converter.
	 * @param mapper the mapper, usually the application's
	 */
	public JsonPayloadConverter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public @Nullable Object read(byte[] payload, Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		try {
			return this.mapper.readValue(payload, javaType);
		}
		catch (JacksonException ex) {
			throw new PayloadConversionException(
					"Payload could not be decoded into " + javaType.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public byte[] write(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

}
