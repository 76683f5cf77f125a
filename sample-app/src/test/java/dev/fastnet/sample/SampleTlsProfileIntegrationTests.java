package dev.fastnet.sample;

import dev.fastnet.server.FastnetServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the sample's {@code tls} profile: the sample server on TLS with
 * its self-signed certificate, called by the sample's client that trusts that
 * certificate.
 */
class SampleTlsProfileIntegrationTests {

	@Test
	void clientTrustingTheSampleCertificateCallsTheTlsServer() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("tls")
			.run("--fastnet.server.port=0", "--server.port=0")) {
			assertThat(server.getBean(FastnetServer.class).tls()).isNotNull();
			int port = server.getEnvironment().getRequiredProperty("local.fastnet.port", Integer.class);
			try (ConfigurableApplicationContext client = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("client", "tls")
				.run("--fastnet.client.kv.endpoints=127.0.0.1:" + port,
						"--fastnet.client.kv.ssl.bundle=fastnet-sample-trust")) {
				assertThat(client.getBean(KeyValueClient.class).echo("over tls")).isEqualTo("over tls");
			}
		}
	}

}
