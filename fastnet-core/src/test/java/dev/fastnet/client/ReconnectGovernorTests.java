package dev.fastnet.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectGovernor}, on a fake clock.
 */
class ReconnectGovernorTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private double random = 0.5;

	private ReconnectGovernor governor(ReconnectOptions options) {
		return new ReconnectGovernor(options, this.now::get, () -> this.random);
	}

	private static ReconnectOptions options(int failureThreshold) {
		return ReconnectOptions.builder()
			.initialBackoff(Duration.ofMillis(100))
			.multiplier(1.6)
			.maxBackoff(Duration.ofSeconds(1))
			.jitter(0.2)
			.failureThreshold(failureThreshold)
			.circuitCoolDown(Duration.ofSeconds(30))
			.build();
	}

	private void advance(long millis) {
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

	@Test
	void onlyOneAttemptIsInFlightAtATime() {
		ReconnectGovernor governor = governor(options(5));
		assertThat(governor.tryBeginAttempt()).isTrue();
		assertThat(governor.tryBeginAttempt()).isFalse();
		assertThat(governor.isAttemptDue()).isFalse();
		governor.succeeded();
		assertThat(governor.tryBeginAttempt()).isTrue();
	}

	@Test
	void failuresBackOffExponentiallyUpToTheCap() {
		ReconnectGovernor governor = governor(options(100));
		long[] expectedMillis = { 100, 160, 256, 409, 655, 1000, 1000 };
		for (long expected : expectedMillis) {
			assertThat(governor.tryBeginAttempt()).isTrue();
			long delay = governor.failed();
			assertThat(TimeUnit.NANOSECONDS.toMillis(delay)).isEqualTo(expected);
			assertThat(governor.state()).isEqualTo(EndpointState.BACKOFF);
			this.now.addAndGet(delay - 1);
			assertThat(governor.tryBeginAttempt()).isFalse();
			this.now.addAndGet(1);
		}
	}

	@Test
	void jitterSpreadsTheDelayBothWays() {
		ReconnectGovernor governor = governor(options(100));
		this.random = 0.0;
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.backoffNanos(1))).isEqualTo(80);
		this.random = 0.999_999;
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.backoffNanos(1))).isEqualTo(119);
		this.random = 0.0;
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.backoffNanos(30))).isEqualTo(800);
	}

	@Test
	void consecutiveFailuresOpenTheCircuitAndProbesComeAtDoublingIntervalsUpToTheCoolDown() {
		ReconnectGovernor governor = governor(options(3));
		for (int i = 0; i < 2; i++) {
			assertThat(governor.tryBeginAttempt()).isTrue();
			governor.failed();
			advance(1000);
		}
		assertThat(governor.tryBeginAttempt()).isTrue();
		// The backoff in force after 3 failures: 100 ms x 1.6 x 1.6
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.failed())).isEqualTo(256);
		assertThat(governor.state()).isEqualTo(EndpointState.DOWN);
		advance(255);
		assertThat(governor.isAttemptDue()).isFalse();
		assertThat(governor.nanosUntilNextAttempt()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
		advance(1);
		assertThat(governor.isAttemptDue()).isTrue();
		assertThat(governor.tryBeginAttempt()).isTrue();
		assertThat(governor.tryBeginAttempt()).as("half-open: a single probe").isFalse();
		long[] probeMillis = { 512, 1024, 2048, 4096, 8192, 16384, 30000, 30000 };
		for (long expected : probeMillis) {
			long delay = governor.failed();
			assertThat(TimeUnit.NANOSECONDS.toMillis(delay)).isEqualTo(expected);
			assertThat(governor.state()).isEqualTo(EndpointState.DOWN);
			this.now.addAndGet(delay - 1);
			assertThat(governor.tryBeginAttempt()).isFalse();
			this.now.addAndGet(1);
			assertThat(governor.tryBeginAttempt()).isTrue();
		}
		governor.succeeded();
		assertThat(governor.state()).isEqualTo(EndpointState.UP);
		assertThat(governor.consecutiveFailures()).isZero();
		assertThat(governor.nanosUntilNextAttempt()).isZero();
	}

	@Test
	void probesNeverWaitLongerThanTheCoolDown() {
		ReconnectGovernor governor = governor(ReconnectOptions.builder()
			.initialBackoff(Duration.ofSeconds(5))
			.maxBackoff(Duration.ofSeconds(10))
			.failureThreshold(1)
			.circuitCoolDown(Duration.ofSeconds(2))
			.build());
		assertThat(governor.tryBeginAttempt()).isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.failed())).isEqualTo(2000);
		for (int i = 0; i < 100; i++) {
			advance(2000);
			assertThat(governor.tryBeginAttempt()).isTrue();
			assertThat(TimeUnit.NANOSECONDS.toMillis(governor.failed())).isEqualTo(2000);
		}
	}

	@Test
	void successResetsTheBackoff() {
		ReconnectGovernor governor = governor(options(100));
		for (int i = 0; i < 4; i++) {
			governor.tryBeginAttempt();
			governor.failed();
			advance(10_000);
		}
		governor.tryBeginAttempt();
		governor.succeeded();
		governor.tryBeginAttempt();
		assertThat(TimeUnit.NANOSECONDS.toMillis(governor.failed())).isEqualTo(100);
	}

	@Test
	void cancelledAttemptLeavesTheStateAlone() {
		ReconnectGovernor governor = governor(options(100));
		assertThat(governor.tryBeginAttempt()).isTrue();
		governor.cancelAttempt();
		assertThat(governor.state()).isEqualTo(EndpointState.UP);
		assertThat(governor.isAttemptDue()).isTrue();
	}

	@Test
	void resetClosesAnOpenCircuitAtOnce() {
		ReconnectGovernor governor = governor(options(2));
		for (int i = 0; i < 2; i++) {
			assertThat(governor.tryBeginAttempt()).isTrue();
			governor.failed();
			// Past the first backoff (100 ms), before the first probe (160 ms)
			advance(120);
		}
		assertThat(governor.state()).isEqualTo(EndpointState.DOWN);
		assertThat(governor.tryBeginAttempt()).isFalse();
		governor.reset();
		assertThat(governor.state()).isEqualTo(EndpointState.UP);
		assertThat(governor.consecutiveFailures()).isZero();
		assertThat(governor.tryBeginAttempt()).isTrue();
		// One failure after a reset backs off instead of reopening the circuit
		governor.failed();
		assertThat(governor.state()).isEqualTo(EndpointState.BACKOFF);
		// UP to BACKOFF to DOWN, reset to UP, then BACKOFF again
		assertThat(governor.stateChanges()).isEqualTo(4);
	}

}
