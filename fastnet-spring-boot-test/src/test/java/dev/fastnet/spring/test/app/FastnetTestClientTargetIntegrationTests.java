package dev.fastnet.spring.test.app;

import java.nio.charset.StandardCharsets;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.client.EnableFastnetClients;
import dev.fastnet.spring.client.FastnetExchange;
import dev.fastnet.spring.client.FastnetRoute;
import dev.fastnet.spring.test.FastnetTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetTest} with the application's own clients pointed at the test
 * server through {@code ${local.fastnet.port}}.
 */
@FastnetTest(properties = "fastnet.client.self.endpoints=localhost:${local.fastnet.port}")
@Import(FastnetTestClientTargetIntegrationTests.DeclarativeClients.class)
class FastnetTestClientTargetIntegrationTests {

	@Autowired
	@Qualifier("self")
	private FastnetClient self;

	@Autowired
	private Greeter greeter;

	@Autowired
	private FastnetServer server;

	@Test
	void clientBeanReachesTheTestServer() {
		assertThat(this.self.config().endpoints()).singleElement()
			.satisfies((endpoint) -> assertThat(endpoint.getPort()).isEqualTo(this.server.port()));
		byte[] name = "Grace".getBytes(StandardCharsets.UTF_8);
		assertThat(this.self.requestBlocking("greet", name).payloadString()).isEqualTo("Hello Grace");
	}

	@Test
	void declarativeClientReachesTheTestServer() {
		assertThat(this.greeter.greet("Linus")).isEqualTo("Hello Linus");
	}

	@FastnetExchange("self")
	interface Greeter {

		@FastnetRoute("greet")
		String greet(String name);

	}

	// Not a nested @Configuration: that would replace the application's configuration
	@EnableFastnetClients(clients = Greeter.class)
	static class DeclarativeClients {

	}

}
