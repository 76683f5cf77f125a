package dev.fastnet.test;

import java.time.Duration;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LeakCheck} with Netty's own detector at {@code PARANOID} (a JVM of its
 * own): a dropped buffer is reported once collected, and the report fails the check.
 */
class ParanoidLeakCheckTests {

	@BeforeAll
	static void runOnlyInItsOwnJvm() {
		// -Dtest also selects it for the JVMs where every buffer is counted
		assumeThat(LeakCheck.isPresenceCounting()).isFalse();
	}

	@Test
	void testsRunWithNettysDetectorAtParanoidLevel() {
		LeakCheck.assertInstalled();
		assertThat(LeakCheck.isPresenceCounting()).isFalse();
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
	}

	@Test
	void droppedBufferIsReportedOnceAndFailsTheCheck() {
		int before = LeakCheck.reportCount();
		dropABuffer();
		// Reported only once the collector found it: each check collects garbage first
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> LeakCheck.check("The leaking test", Duration.ZERO))
				.withMessageStartingWith("The leaking test leaked buffers:")
				.withMessageContaining("LEAK: ByteBuf"));
		assertThat(LeakCheck.reportCount()).isGreaterThan(before);
		// Charged once: the class's own check after this test passes
		LeakCheck.check("The next check", Duration.ZERO);
	}

	private static void dropABuffer() {
		ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
	}

}
