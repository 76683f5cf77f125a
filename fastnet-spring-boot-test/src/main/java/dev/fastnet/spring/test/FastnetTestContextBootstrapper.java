package dev.fastnet.spring.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * Bootstraps {@link FastnetTest} contexts: the slice's server defaults come first, so
 * that the test's own {@link FastnetTest#properties() properties} replace only the keys
 * they set.
 */
class FastnetTestContextBootstrapper extends TestSliceTestContextBootstrapper<FastnetTest> {

	static final List<String> DEFAULTS = List.of("fastnet.server.port=0", "fastnet.server.address=127.0.0.1");

	@Override
	protected String[] getProperties(Class<?> testClass) {
		List<String> properties = new ArrayList<>(DEFAULTS);
		String[] own = super.getProperties(testClass);
		if (own != null) {
			properties.addAll(Arrays.asList(own));
		}
		return properties.toArray(String[]::new);
	}

}
