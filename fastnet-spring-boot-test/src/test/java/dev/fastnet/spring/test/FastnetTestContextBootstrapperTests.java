package dev.fastnet.spring.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetTestContextBootstrapper}.
 */
class FastnetTestContextBootstrapperTests {

	@Test
	void defaultsComeFirstSoThatKeysSetByTheTestWin() {
		String[] properties = new FastnetTestContextBootstrapper().getProperties(OwnAddress.class);
		assertThat(properties).containsExactly("fastnet.server.port=0", "fastnet.server.address=127.0.0.1",
				"fastnet.server.address=::1", "other=1");
	}

	@Test
	void withoutPropertiesOnlyTheDefaultsAreSet() {
		assertThat(new FastnetTestContextBootstrapper().getProperties(NoProperties.class))
			.containsExactly("fastnet.server.port=0", "fastnet.server.address=127.0.0.1");
	}

	@FastnetTest(properties = { "fastnet.server.address=::1", "other=1" })
	static class OwnAddress {

	}

	@FastnetTest
	static class NoProperties {

	}

}
