package dev.fastnet.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.session.Session;
import dev.fastnet.session.SessionListener;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link FastnetServer} session listeners over real loopback
 * sockets.
 */
class SessionListenerIntegrationTests extends ServerIntegrationTestSupport {

	@Test
	void sessionListenersSeeOpenAndCloseAndSessionsCanPush() throws IOException {
		List<String> events = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(), (config) -> {
		}, (builder) -> builder.sessionListener(new SessionListener() {
			@Override
			public void onOpen(Session session) {
				events.add("open");
			}

			@Override
			public void onClose(Session session) {
				events.add("close");
			}
		}));
		RawClient client = connect(server);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 1);
		Session session = server.sessions().iterator().next();
		assertThat(session.push("news", "flash".getBytes(StandardCharsets.UTF_8)))
			.succeedsWithin(Duration.ofSeconds(5));
		RawFrame push = client.read();
		assertThat(push.type()).isEqualTo(RawClient.PUSH);
		assertThat(push.id()).isZero();
		assertThat(push.route()).isEqualTo("news");
		assertThat(push.payloadString()).isEqualTo("flash");
		client.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
		assertThat(events).containsExactly("open", "close");
	}

	@Test
	void sessionListenersHearOfProtocolErrors() throws IOException {
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		FastnetServer server = start(echoRoutes(), (config) -> {
		}, (builder) -> builder.sessionListener(new SessionListener() {
			@Override
			public void onError(Session session, Throwable error) {
				errors.add(error);
			}
		}));
		try (RawClient client = RawClient.connect(server.port())) {
			client.send(new byte[] { 0, 0, 0, 2, 1, 0 });
			assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() == 1);
		assertThat(errors.get(0)).isInstanceOfSatisfying(dev.fastnet.protocol.ProtocolException.class,
				(ex) -> assertThat(ex.violation()).isEqualTo(ProtocolViolation.LENGTH_TOO_SMALL));
	}

}
