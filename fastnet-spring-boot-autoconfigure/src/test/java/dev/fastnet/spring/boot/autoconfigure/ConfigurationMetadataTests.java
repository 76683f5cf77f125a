package dev.fastnet.spring.boot.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata that the build generates into this module's
 * {@code META-INF/spring-configuration-metadata.json}, merged with the hand-written
 * entries.
 */
class ConfigurationMetadataTests {

	private static final String CLIENT_PREFIX = "fastnet.client.*.";

	private static final String LISTENER_PREFIX = "fastnet.server.listeners.*.";

	private final Map<String, JsonNode> properties = new LinkedHashMap<>();

	@BeforeEach
	void readGeneratedMetadata() throws IOException {
		URL own = FastnetProperties.class.getProtectionDomain().getCodeSource().getLocation();
		URL metadata = null;
		for (URL candidate : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			if (candidate.toString().contains(own.getPath())) {
				metadata = candidate;
			}
		}
		assertThat(metadata).as("metadata generated next to " + own).isNotNull();
		try (InputStream input = metadata.openStream()) {
			for (JsonNode property : JsonMapper.builder().build().readTree(input).get("properties")) {
				this.properties.put(property.get("name").asString(), property);
			}
		}
	}

	@Test
	void everyPropertyOfANamedClientIsDescribed() {
		for (String name : clientPropertyNames()) {
			assertThat(this.properties).as(name).containsKey(name);
			assertThat(this.properties.get(name).path("description").asString()).as(name).isNotBlank();
		}
	}

	@Test
	void everyPropertyOfANamedListenerIsDescribed() {
		List<String> names = new java.util.ArrayList<>();
		collect(FastnetProperties.Listener.class, LISTENER_PREFIX, names);
		collect(FramingProperties.LengthField.class, LISTENER_PREFIX + "length-field.", names);
		assertThat(names).contains(LISTENER_PREFIX + "transport", LISTENER_PREFIX + "path");
		for (String name : names) {
			assertThat(this.properties).as(name).containsKey(name);
			assertThat(this.properties.get(name).path("description").asString()).as(name).isNotBlank();
		}
	}

	@Test
	void describedClientDefaultsAreTheRealOnes() {
		Map<String, String> values = new LinkedHashMap<>();
		this.properties.forEach((name, property) -> {
			if (name.startsWith(CLIENT_PREFIX) && property.has("defaultValue")) {
				values.put("c." + name.substring(CLIENT_PREFIX.length()), property.get("defaultValue").asString());
			}
		});
		FastnetProperties.Client bound = new Binder(new MapConfigurationPropertySource(values))
			.bind("c", FastnetProperties.Client.class)
			.get();
		FastnetProperties.Client defaults = new FastnetProperties.Client();
		for (String name : values.keySet()) {
			String path = toBeanPath(name.substring(2));
			assertThat(new BeanWrapperImpl(bound).getPropertyValue(path)).as(name)
				.isEqualTo(new BeanWrapperImpl(defaults).getPropertyValue(path));
		}
		assertThat(values).hasSizeGreaterThan(20);
	}

	@Test
	void healthIndicatorSwitchIsDescribed() {
		JsonNode enabled = this.properties.get("management.health.fastnet.enabled");
		assertThat(enabled).isNotNull();
		assertThat(enabled.get("type").asString()).isEqualTo("java.lang.Boolean");
		assertThat(enabled.get("defaultValue").asBoolean()).isTrue();
		assertThat(enabled.get("description").asString()).isNotBlank();
	}

	@Test
	void everyFastnetPropertyHasADescription() {
		assertThat(this.properties.keySet()).contains("fastnet.server.port", "fastnet.server.shutdown-grace");
		this.properties.forEach((name, property) -> {
			if (name.startsWith("fastnet.")) {
				assertThat(property.path("description").asString()).as(name).isNotBlank();
			}
		});
	}

	private static List<String> clientPropertyNames() {
		List<String> names = new java.util.ArrayList<>();
		collect(FastnetProperties.Client.class, CLIENT_PREFIX, names);
		collect(FastnetProperties.Pool.class, CLIENT_PREFIX + "pool.", names);
		collect(FastnetProperties.Reconnect.class, CLIENT_PREFIX + "reconnect.", names);
		assertThat(names).hasSizeGreaterThan(20);
		return names;
	}

	private static void collect(Class<?> type, String prefix, List<String> names) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getWriteMethod() != null) {
				names.add(prefix + descriptor.getName().replaceAll("([A-Z])", "-$1").toLowerCase());
			}
		}
	}

	private static String toBeanPath(String kebab) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

}
