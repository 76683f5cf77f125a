package dev.fastnet.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LeakCheckExtension}: the leak check that guards every test class really
 * detects an unreleased buffer.
 */
class LeakCheckExtensionTests {

	@Test
	void testsRunWithTheRecordingDetectorAtParanoidLevel() {
		assertThat(LeakRecordingDetector.isInstalled()).isTrue();
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
	}

	@Test
	void unreleasedBufferIsReported() {
		leakOneBuffer();
		List<String> leaks = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			leaks.addAll(LeakCheckExtension.collectLeaks());
			return !leaks.isEmpty();
		});
		assertThat(leaks).anySatisfy((leak) -> assertThat(leak).startsWith("LEAK: ByteBuf"));
	}

	private static void leakOneBuffer() {
		ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
	}

}
