package dev.fastnet.spring.boot.autoconfigure;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMeters;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.spring.health.FastnetClientHealthIndicator;
import dev.fastnet.spring.health.FastnetServerHealthIndicator;
import dev.fastnet.spring.metrics.FastnetServerMeterBinder;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.TestCertificates;
import dev.fastnet.transport.TlsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for fastnet servers and clients on Spring Boot SSL bundles, with
 * certificates made in the test.
 */
class FastnetSslIntegrationTests {

	private static final X509Bundle AUTHORITY = TestCertificates.authority("fastnet test CA");

	private static final X509Bundle SERVER = TestCertificates.server(AUTHORITY, "server one");

	private static final X509Bundle CLIENT = TestCertificates.client(AUTHORITY, "client one");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, FastnetJsonAutoConfiguration.class,
				FastnetServerAutoConfiguration.class, FastnetClientAutoConfiguration.class));

	@Test
	void serverTakesItsCertificateFromTheBundleAndServesAReloadedOneToNewConnections() throws Exception {
		this.runner
			.withPropertyValues("fastnet.server.port=0", "fastnet.server.address=127.0.0.1",
					"fastnet.server.io-threads=1", "fastnet.server.workers.threads=2",
					"fastnet.server.ssl.bundle=fastnet", "fastnet.server.ssl.handshake-timeout=3",
					"spring.ssl.bundle.pem.fastnet.keystore.certificate=" + path(SERVER.toTempCertChainPem()),
					"spring.ssl.bundle.pem.fastnet.keystore.private-key=" + path(SERVER.toTempPrivateKeyPem()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FastnetServer server = context.getBean(FastnetServer.class);
				TlsConfig tls = server.tls().orElseThrow();
				assertThat(tls.handshakeTimeout()).hasSeconds(3);
				assertThat(peerCertificate(server.port()).getSubjectX500Principal().getName())
					.isEqualTo("CN=server one");
				X509Bundle renewed = TestCertificates.server(AUTHORITY, "server two");
				context.getBean(SslBundleRegistry.class)
					.updateBundle("fastnet", SslBundle
						.of(SslStoreBundle.of(renewed.toKeyStore("secret".toCharArray()), "secret", null)));
				assertThat(peerCertificate(server.port()).getSubjectX500Principal().getName())
					.isEqualTo("CN=server two");
				Health health = new FastnetServerHealthIndicator(server).health(true);
				@SuppressWarnings("unchecked")
				Map<String, Object> details = (Map<String, Object>) health.getDetails().get("tls");
				assertThat(details).containsEntry("enabled", true)
					.containsEntry("provider", "jdk")
					.containsEntry("clientAuth", "none")
					.containsEntry("handshakeTimeout", "PT3S");
			});
	}

	@Test
	void clientPresentsTheBundlesCertificateToAServerThatNeedsOne() throws Exception {
		FastnetServer server = startServer(TlsConfig.forServer(TestCertificates.keys(SERVER))
			.trust(TestCertificates.trust(AUTHORITY))
			.clientAuth(TlsConfig.ClientAuth.NEED)
			.build());
		try {
			this.runner
				.withPropertyValues("fastnet.server.enabled=false",
						"fastnet.client.kv.endpoints=localhost:" + server.port(), "fastnet.client.kv.io-threads=1",
						"fastnet.client.kv.ssl.bundle=client",
						"spring.ssl.bundle.pem.client.keystore.certificate=" + path(CLIENT.toTempCertChainPem()),
						"spring.ssl.bundle.pem.client.keystore.private-key=" + path(CLIENT.toTempPrivateKeyPem()),
						"spring.ssl.bundle.pem.client.truststore.certificate=" + path(AUTHORITY.toTempRootCertPem()))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					FastnetClient client = context.getBean(FastnetClient.class);
					assertThat(client.requestBlocking("echo", "hello".getBytes()).payloadString()).isEqualTo("hello");
					Health health = new FastnetClientHealthIndicator(client).health(true);
					assertThat(health.getDetails()).containsKeys("transport", "tls", "socket");
					// An updated bundle gives new connections a new context
					io.netty.handler.ssl.SslContext before = client.tls().orElseThrow().context();
					X509Bundle renewed = TestCertificates.client(AUTHORITY, "client two");
					context.getBean(SslBundleRegistry.class)
						.updateBundle("client",
								SslBundle.of(SslStoreBundle.of(renewed.toKeyStore("secret".toCharArray()), "secret",
										AUTHORITY.toKeyStore("secret".toCharArray()))));
					assertThat(client.tls().orElseThrow().context()).isNotSameAs(before);
					assertThat(client.requestBlocking("echo", "again".getBytes()).payloadString()).isEqualTo("again");
				});
		}
		finally {
			server.close();
		}
	}

	@Test
	void failedHandshakesAreCountedInAMeterByReason() throws Exception {
		FastnetServer server = startServer(TlsConfig.forServer(TestCertificates.keys(SERVER)).build());
		try {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new FastnetServerMeterBinder(server).bindTo(registry);
			try (RawClient raw = RawClient.connect(server.port())) {
				raw.request(1, "echo", "plaintext");
				assertThat(raw.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get(FastnetMeters.SERVER_TLS_HANDSHAKE_FAILURES)
					.tag("reason", "not_tls")
					.functionCounter()
					.count() == 1);
			assertThat(registry.get(FastnetMeters.SERVER_TLS_HANDSHAKE_FAILURES)
				.tag("reason", "timeout")
				.functionCounter()
				.count()).isZero();
		}
		finally {
			server.close();
		}
	}

	@Test
	void clientAuthIsRejectedOnAClient() {
		this.runner
			.withPropertyValues("fastnet.server.enabled=false", "fastnet.client.kv.endpoints=localhost:7000",
					"fastnet.client.kv.ssl.client-auth=need")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("client[kv].ssl.client-auth"));
	}

	private static FastnetServer startServer(TlsConfig tls) {
		return FastnetServer
			.create(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).tls(tls).build(),
					Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString()).build())
			.start();
	}

	private static String path(File file) {
		file.deleteOnExit();
		return "file:" + file.getAbsolutePath();
	}

	private static X509Certificate peerCertificate(int port) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, TestCertificates.trust(AUTHORITY).getTrustManagers(), null);
		try (Socket socket = context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(5000);
			SSLSocket ssl = (SSLSocket) socket;
			ssl.startHandshake();
			return (X509Certificate) ssl.getSession().getPeerCertificates()[0];
		}
	}

}
