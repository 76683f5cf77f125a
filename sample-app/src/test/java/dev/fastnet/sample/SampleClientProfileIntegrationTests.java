package dev.fastnet.sample;

import java.util.concurrent.CompletableFuture;

import dev.fastnet.client.FastnetRemoteException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for the sample's {@code client} profile: its declarative client
 * against a running sample server.
 */
class SampleClientProfileIntegrationTests {

	@Test
	void clientProfileTalksToASampleServer() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(SampleApplication.class)
			.run("--fastnet.server.port=0", "--server.port=0", "--fastnet.server.address=127.0.0.1")) {
			int port = server.getEnvironment().getRequiredProperty("local.fastnet.port", Integer.class);
			try (ConfigurableApplicationContext client = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("client")
				.run("--fastnet.client.kv.endpoints=127.0.0.1:" + port)) {
				KeyValueClient kv = client.getBean(KeyValueClient.class);
				assertThat(kv.echo("ping")).isEqualTo("ping");
				assertThat(kv.put(new KeyValueHandlers.Entry("k", "v")))
					.isEqualTo(new KeyValueHandlers.Entry("k", "v"));
				assertThat(kv.get(new KeyValueHandlers.Key("k"))).isEqualTo(new KeyValueHandlers.Entry("k", "v"));
				CompletableFuture<KeyValueHandlers.Entry> deleted = kv.delete(new KeyValueHandlers.Key("k"));
				assertThat(deleted.join()).isEqualTo(new KeyValueHandlers.Entry("k", "v"));
				assertThatExceptionOfType(FastnetRemoteException.class)
					.isThrownBy(() -> kv.get(new KeyValueHandlers.Key("k")))
					.satisfies((ex) -> assertThat(ex.status()).isEqualTo(1404))
					.withMessage("No such key: k");
			}
		}
	}

}
