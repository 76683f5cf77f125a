package dev.fastnet.test;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while or before it ran. Registered for
 * every test class through JUnit's extension auto-detection.
 */
public class LeakCheckExtension implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		List<String> leaks = collectLeaks();
		if (!leaks.isEmpty()) {
			throw new AssertionError(leaks.size() + " leaked buffer(s) reported by Netty's leak detector:\n"
					+ String.join("\n", leaks));
		}
	}

	/**
	 * Let the garbage collector find unreachable unreleased buffers, make Netty report them, and
	 * return the reports.
	 * @return the leak reports, empty when nothing leaked
	 */
	public static List<String> collectLeaks() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			// The detector checks its reference queue whenever it tracks a new buffer
			for (ByteBufAllocator alloc : new ByteBufAllocator[] { ByteBufAllocator.DEFAULT,
					PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT }) {
				ByteBuf probe = alloc.directBuffer(8);
				probe.release();
				probe = alloc.heapBuffer(8);
				probe.release();
			}
			Thread.yield();
		}
		return LeakRecordingDetector.drain();
	}

}
