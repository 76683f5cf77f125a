package dev.fastnet.test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * Tests for {@link LeakCheckExtension}: the check that runs after every test class is
 * installed and fails a class that leaves a buffer open, even one still referenced.
 */
class LeakCheckExtensionTests {

	@Test
	void testsRunWithEveryBufferCounted() {
		LeakCheck.assertInstalled();
		assertThat(LeakCheck.isPresenceCounting()).isTrue();
	}

	@Test
	void classThatLeavesABufferOpenFails() {
		Events containers = run(LeavesABufferOpen.class).containerEvents();
		containers.assertThatEvents()
			.haveExactly(1,
					finishedWithFailure(
							message((text) -> text.startsWith(LeavesABufferOpen.class.getName() + " leaked buffers")
									&& text.contains("Possible memory leak"))));
		assertThat(LeavesABufferOpen.held.refCnt()).isOne();
	}

	@Test
	void classThatReleasesItsBuffersPasses() {
		run(ReleasesItsBuffer.class).containerEvents().assertThatEvents().doNotHave(container(finishedWithFailure()));
	}

	private static EngineExecutionResults run(Class<?> testClass) {
		return EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
			// Nothing is released late here: no need to wait before failing
			.configurationParameter(LeakCheckExtension.RELEASE_WAIT_PARAMETER, "0")
			.selectors(selectClass(testClass))
			.execute();
	}

	static class LeavesABufferOpen {

		// Still referenced: a garbage-collecting detector would never see it. Never
		// released
		// either: the failed check has already forgiven it, and a release now would make
		// the
		// count negative and fail this class instead; the cleaner frees its memory when
		// collected
		static ByteBuf held;

		@Test
		void holdsABuffer() {
			// Direct: Netty tracks no unpooled heap buffer
			held = UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
		}

	}

	static class ReleasesItsBuffer {

		@Test
		void releasesItsBuffer() {
			UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42).release();
		}

	}

}
