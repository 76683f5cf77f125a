package dev.fastnet.spring.test.app;

import java.time.Duration;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.test.FastnetTest;
import dev.fastnet.spring.test.FastnetTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.CommandLineRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetTest}: a slice with properties of its own, over an application
 * whose configuration names a fixed port on every interface.
 */
@FastnetTest(properties = "fastnet.server.request-timeout=7s")
class FastnetTestSliceIntegrationTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private FastnetServer server;

	@Autowired
	private FastnetTestClient client;

	@Value("${local.fastnet.port}")
	private int publishedPort;

	@Test
	void propertiesOfTheTestKeepTheEphemeralLoopbackDefaults() {
		assertThat(this.server.config().requestTimeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.server.address().getAddress().isLoopbackAddress()).isTrue();
		assertThat(this.server.port()).isNotEqualTo(7000).isEqualTo(this.publishedPort);
	}

	@Test
	void handlerMethodsAreServed() {
		assertThat(this.client.call("greet", "Ada").payloadString()).isEqualTo("Hello Ada");
	}

	@Test
	void runnersAndComponentsUnrelatedToFastnetAreLeftOut() {
		assertThat(this.context.getBeansOfType(CommandLineRunner.class)).isEmpty();
		assertThat(this.context.getBeansOfType(ApplicationRunner.class)).isEmpty();
		assertThat(this.context.getBeansOfType(UnrelatedService.class)).isEmpty();
		assertThat(this.context.getBeansOfType(GreetingHandlers.class)).hasSize(1);
	}

	@Test
	void noWebServerStartsAlthoughSpringMvcIsOnTheClassPath() {
		assertThat(this.context).isNotInstanceOf(WebApplicationContext.class);
		assertThat(this.context.getEnvironment().getProperty("local.server.port")).isNull();
	}

}
