package dev.fastnet.spring.diagnostics;

import java.time.Duration;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.PortInUseException;
import dev.fastnet.server.ServerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PortInUseFailureAnalyzer}.
 */
class PortInUseFailureAnalyzerTests {

	@Test
	void explainsAServerThatCannotBindItsPort() {
		ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build();
		try (FastnetServer first = FastnetServer.create(config, Routes.builder().build()).start()) {
			FastnetServer second = FastnetServer.create(config.toBuilder().port(first.port()).build(),
					Routes.builder().build());
			long before = fastnetThreads();
			PortInUseException failure = catchThrowableOfType(PortInUseException.class, second::start);
			FailureAnalysis analysis = new PortInUseFailureAnalyzer()
				.analyze(new IllegalStateException("context failed", failure));
			assertThat(analysis.getDescription())
				.isEqualTo("fastnet server failed to start. Port " + first.port() + " was already in use.");
			assertThat(analysis.getAction()).contains("fastnet.server.port");
			// Nothing of the failed server stays alive; threads of earlier tests may
			// still be
			// ending, so the count may drop below what it was
			await().atMost(Duration.ofSeconds(5)).until(() -> fastnetThreads() <= before);
			assertThat(second.state()).isEqualTo(FastnetServer.State.STOPPED);
		}
	}

	private static long fastnetThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("fastnet-"))
			.count();
	}

}
