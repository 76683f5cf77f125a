package dev.fastnet.reliability;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetConnectException;
import dev.fastnet.client.Reply;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.server.TlsHandshakeFailure;
import dev.fastnet.test.LeakCheckExtension;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.TestCertificates;
import dev.fastnet.transport.TlsConfig;
import io.netty.pkitesting.X509Bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability scenario S08: TLS peers that cannot or will not complete a handshake.
 */
class TlsScenarioTests {

	private static final Routes ECHO = Routes.builder()
		.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
		.build();

	@Scenario(id = "S08",
			promise = "An untrusted server certificate or a missing client certificate fails the connect with an "
					+ "SSLHandshakeException, plaintext and silent peers are closed and counted, and good TLS "
					+ "clients are unaffected")
	void tlsFailuresAreTypedFastAndCounted(ScenarioFigures figures) throws Exception {
		X509Bundle authorityA = TestCertificates.authority("S08 CA-A");
		X509Bundle authorityB = TestCertificates.authority("S08 CA-B");
		FastnetServer server = start(
				TlsConfig.forServer(TestCertificates.keys(TestCertificates.server(authorityA, "a")))
					.trust(TestCertificates.trust(authorityA))
					.clientAuth(TlsConfig.ClientAuth.NEED)
					.handshakeTimeout(Duration.ofSeconds(1))
					.build());
		FastnetServer foreign = start(
				TlsConfig.forServer(TestCertificates.keys(TestCertificates.server(authorityB, "b"))).build());
		List<FastnetClient> clients = new ArrayList<>();
		try {
			FastnetClient good = client(server,
					TlsConfig.forClient()
						.keys(TestCertificates.keys(TestCertificates.client(authorityA, "good")))
						.trust(TestCertificates.trust(authorityA))
						.build(),
					clients);
			List<CompletableFuture<Reply>> goodCalls = new ArrayList<>();
			goodCalls.add(good.request("echo", "warm".getBytes()));
			goodCalls.get(0).get(10, TimeUnit.SECONDS);

			// (a) the server's certificate is signed by CA-B, the client trusts CA-A only
			FastnetClient trustsA = client(foreign,
					TlsConfig.forClient().trust(TestCertificates.trust(authorityA)).build(), clients);
			long untrustedMillis = connectFailureMillis(trustsA);
			// (b) mutual TLS required, no client certificate
			FastnetClient noCertificate = client(server,
					TlsConfig.forClient().trust(TestCertificates.trust(authorityA)).build(), clients);
			long missingCertificateMillis = connectFailureMillis(noCertificate);
			// (c) plaintext frames to the TLS port
			long plaintextMillis;
			try (RawClient raw = RawClient.connect(server.port())) {
				long start = System.nanoTime();
				raw.request(1, "echo", "hello");
				assertThat(raw.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
				plaintextMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			}
			// (d) connects and says nothing
			long silentMillis;
			try (RawClient raw = RawClient.connect(server.port())) {
				long start = System.nanoTime();
				assertThat(raw.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
				silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			}
			for (int i = 0; i < 200; i++) {
				goodCalls.add(good.request("echo", ("after " + i).getBytes()));
			}
			long goodErrors = goodCalls.stream().filter((call) -> {
				try {
					call.get(10, TimeUnit.SECONDS);
					return false;
				}
				catch (Exception ex) {
					return true;
				}
			}).count();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.stats().tlsHandshakeFailures(TlsHandshakeFailure.TIMEOUT) == 1
						&& server.stats().tlsHandshakeFailures(TlsHandshakeFailure.NOT_TLS) == 1);
			figures.put("untrustedServerFailureMillis", untrustedMillis)
				.put("missingClientCertificateFailureMillis", missingCertificateMillis)
				.put("plaintextClosedMillis", plaintextMillis)
				.put("silentClosedMillis", silentMillis)
				.put("handshakeFailuresNotTls", server.stats().tlsHandshakeFailures(TlsHandshakeFailure.NOT_TLS))
				.put("handshakeFailuresTimeout", server.stats().tlsHandshakeFailures(TlsHandshakeFailure.TIMEOUT))
				.put("handshakeFailuresFailed", server.stats().tlsHandshakeFailures(TlsHandshakeFailure.FAILED))
				.put("handshakeFailuresForeignServer", foreign.stats().tlsHandshakeFailures())
				.put("goodClientRequests", goodCalls.size())
				.put("goodClientErrors", goodErrors)
				.put("serverState", server.state().name());
			// Failed at connect, far from the 5 s call timeout: the bounds leave room for
			// first
			// handshakes on a cold JVM and a busy machine; the figures record the real
			// times
			assertThat(untrustedMillis).isLessThan(3000);
			assertThat(missingCertificateMillis).isLessThan(3000);
			assertThat(plaintextMillis).isLessThan(3000);
			assertThat(silentMillis).isBetween(900L, 3000L);
			assertThat(server.stats().tlsHandshakeFailures(TlsHandshakeFailure.FAILED)).isGreaterThanOrEqualTo(1);
			assertThat(goodErrors).isZero();
			assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
		}
		finally {
			for (FastnetClient client : clients) {
				client.close(Duration.ofSeconds(1));
			}
			server.close();
			foreign.close();
		}
		List<String> leaks = LeakCheckExtension.collectLeaks();
		figures.put("leakedBuffers", leaks.size());
		assertThat(leaks).isEmpty();
	}

	private static FastnetServer start(TlsConfig tls) {
		return FastnetServer
			.create(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).tls(tls).build(), ECHO)
			.start();
	}

	private static FastnetClient client(FastnetServer server, TlsConfig tls, List<FastnetClient> clients) {
		FastnetClient client = FastnetClient.create(ClientConfig.builder()
			.endpoint(new InetSocketAddress("127.0.0.1", server.port()))
			.ioThreads(1)
			.requestTimeout(Duration.ofSeconds(30))
			.tls(tls)
			.build());
		clients.add(client);
		return client;
	}

	/**
	 * Return how long the first call took to fail, after checking it failed at connect
	 * with a handshake exception rather than at the 30 s request timeout.
	 */
	private static long connectFailureMillis(FastnetClient client) {
		long start = System.nanoTime();
		assertThat(client.request("echo", "hello".getBytes())).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(FastnetConnectException.class)
			.withCauseInstanceOf(SSLHandshakeException.class);
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

}
