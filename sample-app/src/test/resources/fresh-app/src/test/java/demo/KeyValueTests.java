package demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.test.FastnetTest;
import dev.fastnet.spring.test.FastnetTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

// As in the README's testing section, with a property of the application changed and a
// named client pointed at the test server
@FastnetTest(properties = { "fastnet.server.request-timeout=2s",
		"fastnet.client.kv.endpoints=localhost:${local.fastnet.port}" })
class KeyValueTests {

	@Autowired
	FastnetTestClient client;

	@Autowired
	@Qualifier("kv")
	FastnetClient kv;

	@Autowired
	FastnetServer server;

	@Value("${local.fastnet.port}")
	int port;

	@Test
	void missingKeyIs1404() {
		assertThat(this.client.call("kv.get", "{\"key\":\"nope\"}").status()).isEqualTo(1404);
	}

	@Test
	void serverKeepsAnEphemeralLoopbackPortAndTakesTheTestProperties() {
		// application.yml says 7000; the slice's ephemeral port wins
		assertThat(this.server.port()).isEqualTo(this.port).isNotEqualTo(7000);
		assertThat(this.server.address().getAddress().isLoopbackAddress()).isTrue();
		assertThat(this.server.config().requestTimeout()).isEqualTo(Duration.ofSeconds(2));
		// Not in properties: application.yml still applies
		assertThat(this.server.config().workers().threads()).isEqualTo(32);
	}

	@Test
	void namedClientCallsTheHandlerThroughTheTestServer() throws Exception {
		String entry = "{\"key\":\"color\",\"value\":\"blue\"}";
		assertThat(this.kv.request("kv.put", bytes(entry)).get(10, TimeUnit.SECONDS).payloadString())
			.isEqualTo(entry);
		assertThat(this.kv.request("kv.get", bytes("{\"key\":\"color\"}")).get(10, TimeUnit.SECONDS).payloadString())
			.isEqualTo(entry);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
