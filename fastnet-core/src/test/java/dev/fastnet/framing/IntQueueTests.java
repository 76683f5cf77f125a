package dev.fastnet.framing;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link IntQueue}.
 */
class IntQueueTests {

	@Test
	void keepsOrderAcrossWrapAroundAndGrowth() {
		IntQueue queue = new IntQueue();
		ArrayDeque<Integer> expected = new ArrayDeque<>();
		Random random = new Random(42);
		for (int step = 0; step < 10_000; step++) {
			// More adds than removes on average, so that the queue wraps and grows
			if (expected.isEmpty() || random.nextInt(5) < 3) {
				int value = random.nextInt();
				queue.add(value);
				expected.add(value);
			}
			else {
				assertThat(queue.remove()).isEqualTo(expected.poll());
			}
			assertThat(queue.size()).isEqualTo(expected.size());
		}
		while (!expected.isEmpty()) {
			assertThat(queue.remove()).isEqualTo(expected.poll());
		}
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void removeFromAnEmptyQueueFails() {
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(new IntQueue()::remove);
	}

}
