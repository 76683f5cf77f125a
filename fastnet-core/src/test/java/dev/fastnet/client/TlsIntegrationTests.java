package dev.fastnet.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.TlsHandshakeFailure;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.TestCertificates;
import dev.fastnet.transport.TlsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for TLS between {@link FastnetClient} and
 * {@link dev.fastnet.server.FastnetServer}, with certificates made in the test.
 */
class TlsIntegrationTests extends ClientTestSupport {

	private static final X509Bundle AUTHORITY = TestCertificates.authority("fastnet test CA A");

	private static final X509Bundle OTHER_AUTHORITY = TestCertificates.authority("fastnet test CA B");

	private static final X509Bundle SERVER = TestCertificates.server(AUTHORITY, "server one");

	private static final X509Bundle CLIENT = TestCertificates.client(AUTHORITY, "client one");

	private static final Routes ECHO = Routes.builder()
		.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
		.build();

	@ParameterizedTest
	@EnumSource(value = SslProvider.class, names = { "JDK", "OPENSSL" })
	void clientWithTrustedCertificateGetsAnswersUnderMutualTls(SslProvider provider) throws Exception {
		assertThat(OpenSsl.isAvailable()).as("netty-tcnative on the test class path").isTrue();
		FastnetServer server = startServer(ECHO,
				(config) -> config.tls(TlsConfig.forServer(TestCertificates.keys(SERVER))
					.trust(TestCertificates.trust(AUTHORITY))
					.clientAuth(TlsConfig.ClientAuth.NEED)
					.provider(provider)
					.build()));
		FastnetClient client = client(addressOf(server),
				(config) -> config.tls(TlsConfig.forClient()
					.keys(TestCertificates.keys(CLIENT))
					.trust(TestCertificates.trust(AUTHORITY))
					.provider(provider)
					.build()));
		assertThat(server.tls()).hasValueSatisfying((tls) -> assertThat(tls.provider()).isEqualTo(provider));
		for (int i = 0; i < 10; i++) {
			assertThat(client.requestBlocking("echo", bytes("hello " + i)).payloadString()).isEqualTo("hello " + i);
		}
		assertThat(server.stats().tlsHandshakeFailures()).isZero();
	}

	@ParameterizedTest
	@EnumSource(value = SslProvider.class, names = { "JDK", "OPENSSL" })
	void untrustedServerCertificateFailsTheConnectWithAHandshakeException(SslProvider provider) throws Exception {
		X509Bundle foreign = TestCertificates.server(OTHER_AUTHORITY, "foreign server");
		FastnetServer server = startServer(ECHO,
				(config) -> config.tls(TlsConfig.forServer(TestCertificates.keys(foreign)).build()));
		FastnetClient client = client(addressOf(server), (config) -> config.requestTimeout(Duration.ofSeconds(30))
			.tls(TlsConfig.forClient().trust(TestCertificates.trust(AUTHORITY)).provider(provider).build()));
		assertConnectFailsWithHandshakeException(client);
	}

	@ParameterizedTest
	@EnumSource(value = SslProvider.class, names = { "JDK", "OPENSSL" })
	void clientWithoutCertificateFailsTheConnectWhenTheServerNeedsOne(SslProvider provider) throws Exception {
		FastnetServer server = startServer(ECHO,
				(config) -> config.tls(TlsConfig.forServer(TestCertificates.keys(SERVER))
					.trust(TestCertificates.trust(AUTHORITY))
					.clientAuth(TlsConfig.ClientAuth.NEED)
					.build()));
		FastnetClient client = client(addressOf(server), (config) -> config.requestTimeout(Duration.ofSeconds(30))
			.tls(TlsConfig.forClient().trust(TestCertificates.trust(AUTHORITY)).provider(provider).build()));
		assertConnectFailsWithHandshakeException(client);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.stats().tlsHandshakeFailures(TlsHandshakeFailure.FAILED) >= 1);
	}

	private static void assertConnectFailsWithHandshakeException(FastnetClient client) {
		long start = System.nanoTime();
		assertThat(client.request("echo", bytes("hello"))).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(FastnetConnectException.class)
			.withCauseInstanceOf(SSLHandshakeException.class);
		// At connect, not at the 30 s request timeout
		assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
	}

	@Test
	void plaintextPeerIsClosedAndCounted() throws Exception {
		FastnetServer server = startServer(ECHO,
				(config) -> config.tls(TlsConfig.forServer(TestCertificates.keys(SERVER)).build()));
		try (RawClient raw = RawClient.connect(server.port())) {
			raw.request(1, "echo", "hello");
			assertThat(raw.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.stats().tlsHandshakeFailures(TlsHandshakeFailure.NOT_TLS) == 1);
		assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
	}

	@Test
	void silentPeerIsClosedAtTheHandshakeTimeoutAndCounted() throws Exception {
		FastnetServer server = startServer(ECHO, (config) -> config
			.tls(TlsConfig.forServer(TestCertificates.keys(SERVER)).handshakeTimeout(Duration.ofSeconds(1)).build()));
		try (RawClient raw = RawClient.connect(server.port())) {
			long start = System.nanoTime();
			assertThat(raw.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
			long elapsed = System.nanoTime() - start;
			assertThat(elapsed).isBetween(TimeUnit.MILLISECONDS.toNanos(900), TimeUnit.MILLISECONDS.toNanos(3000));
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.stats().tlsHandshakeFailures(TlsHandshakeFailure.TIMEOUT) == 1);
	}

	@Test
	void updatedSettingsServeTheNewCertificateToNewConnections() throws Exception {
		FastnetServer server = startServer(ECHO,
				(config) -> config.tls(TlsConfig.forServer(TestCertificates.keys(SERVER)).build()));
		FastnetClient client = client(addressOf(server),
				(config) -> config.tls(TlsConfig.forClient().trust(TestCertificates.trust(AUTHORITY)).build()));
		assertThat(client.requestBlocking("echo", bytes("before")).payloadString()).isEqualTo("before");
		assertThat(peerCertificate(server).getSubjectX500Principal().getName()).isEqualTo("CN=server one");
		X509Bundle renewed = TestCertificates.server(AUTHORITY, "server two");
		server.updateTls(server.tls()
			.orElseThrow()
			.withContext(TlsConfig.forServer(TestCertificates.keys(renewed)).build().context()));
		assertThat(peerCertificate(server).getSubjectX500Principal().getName()).isEqualTo("CN=server two");
		// The connection opened before keeps working
		assertThat(client.requestBlocking("echo", bytes("after")).payloadString()).isEqualTo("after");
	}

	private static X509Certificate peerCertificate(FastnetServer server) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, TestCertificates.trust(AUTHORITY).getTrustManagers(), null);
		try (Socket socket = context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
			socket.setSoTimeout(5000);
			SSLSocket ssl = (SSLSocket) socket;
			ssl.startHandshake();
			return (X509Certificate) ssl.getSession().getPeerCertificates()[0];
		}
		catch (IOException ex) {
			throw new IllegalStateException("TLS handshake with the server failed", ex);
		}
	}

}
