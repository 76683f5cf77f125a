package dev.fastnet.sample;

import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.spring.client.EnableFastnetClients;
import dev.fastnet.spring.test.FastnetTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of the sample's declarative {@link KeyValueClient} against its own handlers, with
 * {@link FastnetTest} pointing {@code fastnet.client.kv} at the test server.
 */
@FastnetTest(properties = "fastnet.client.kv.endpoints=localhost:${local.fastnet.port}")
@Import(KeyValueClientFastnetTests.Clients.class)
class KeyValueClientFastnetTests {

	@Autowired
	private KeyValueClient client;

	@Test
	void clientStoresReadsAndDeletesThroughTheTestServer() {
		this.client.put(new KeyValueHandlers.Entry("planet", "mars"));
		assertThat(this.client.get(new KeyValueHandlers.Key("planet")).value()).isEqualTo("mars");
		assertThat(this.client.delete(new KeyValueHandlers.Key("planet")).join().value()).isEqualTo("mars");
		assertThatExceptionOfType(FastnetRemoteException.class)
			.isThrownBy(() -> this.client.get(new KeyValueHandlers.Key("planet")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(1404));
		assertThat(this.client.echo("ping")).isEqualTo("ping");
	}

	@EnableFastnetClients(clients = KeyValueClient.class)
	static class Clients {

	}

}
