package dev.fastnet.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ResendBuffer}.
 */
class ResendBufferTests {

	@Test
	void keepsPayloadsUpToTheCapacityAcrossLanes() {
		ResendBuffer buffer = new ResendBuffer(4096, 2);
		ResendBuffer.Lane first = buffer.newLane();
		ResendBuffer.Lane second = buffer.newLane();
		assertThat(first.tryKeep(1024)).isTrue();
		assertThat(first.tryKeep(1024)).isTrue();
		assertThat(second.tryKeep(1024)).isTrue();
		assertThat(second.tryKeep(1024)).isTrue();
		assertThat(first.tryKeep(1)).isFalse();
		assertThat(second.tryKeep(1)).isFalse();
		assertThat(first.used() + second.used()).isEqualTo(4096);
	}

	@Test
	void releasedRoomServesTheOtherLanes() {
		ResendBuffer buffer = new ResendBuffer(64 * 1024, 2);
		ResendBuffer.Lane first = buffer.newLane();
		ResendBuffer.Lane second = buffer.newLane();
		for (int i = 0; i < 64; i++) {
			assertThat(first.tryKeep(1024)).isTrue();
		}
		assertThat(second.tryKeep(1024)).isFalse();
		for (int i = 0; i < 64; i++) {
			first.release(1024);
		}
		assertThat(first.used()).isZero();
		// The first lane keeps at most a small spare; the rest went back
		assertThat(buffer.available()).isGreaterThanOrEqualTo(48 * 1024);
		for (int i = 0; i < 48; i++) {
			assertThat(second.tryKeep(1024)).isTrue();
		}
	}

	@Test
	void payloadLargerThanAChunkTakesWhatItNeeds() {
		ResendBuffer buffer = new ResendBuffer(1024 * 1024, 4);
		ResendBuffer.Lane lane = buffer.newLane();
		assertThat(lane.tryKeep(1024 * 1024)).isTrue();
		assertThat(buffer.available()).isZero();
		assertThat(lane.tryKeep(1)).isFalse();
		lane.release(1024 * 1024);
		assertThat(lane.tryKeep(1024 * 1024)).isTrue();
	}

	@Test
	void zeroCapacityKeepsNothing() {
		ResendBuffer buffer = new ResendBuffer(0, 1);
		ResendBuffer.Lane lane = buffer.newLane();
		assertThat(lane.tryKeep(0)).isTrue();
		assertThat(lane.tryKeep(1)).isFalse();
	}

}
