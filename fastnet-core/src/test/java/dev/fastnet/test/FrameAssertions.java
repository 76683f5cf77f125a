package dev.fastnet.test;

import dev.fastnet.protocol.Frame;
import io.netty.buffer.ByteBufUtil;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on decoded {@link Frame}s, which have no {@code equals} of their own.
 */
public final class FrameAssertions {

	private FrameAssertions() {
	}

	/**
	 * Assert that a frame has the type, id, route, headers and payload bytes of another.
	 * @param actual the frame to check; the caller still releases it
	 * @param expected the frame it must equal; the caller still releases it
	 */
	public static void assertSameFrame(Frame actual, Frame expected) {
		assertThat(actual).as("decoded frame").isNotNull();
		assertThat(actual.type()).as("type").isEqualTo(expected.type());
		assertThat(actual.id()).as("id").isEqualTo(expected.id());
		assertThat(actual.route()).as("route").isEqualTo(expected.route());
		assertThat(actual.headers()).as("headers").containsExactlyEntriesOf(expected.headers());
		assertThat(ByteBufUtil.getBytes(actual.payload())).as("payload")
			.isEqualTo(ByteBufUtil.getBytes(expected.payload()));
	}

}
