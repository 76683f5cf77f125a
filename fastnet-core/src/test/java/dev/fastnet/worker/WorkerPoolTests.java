package dev.fastnet.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The platform worker pool: parallelism for blocking tasks, exact admission, shutdown.
 */
class WorkerPoolTests {

	@ParameterizedTest
	@ValueSource(longs = { 0, 200_000 })
	void blockingTasksEnqueuedTogetherAllRunAtOnce(long spinNanos) throws InterruptedException {
		// Each task blocks until all have started: only a pool that runs them in parallel
		// finishes
		int tasks = 16;
		try (WorkerPool pool = new WorkerPool(new WorkerPoolOptions(tasks, 0, 1, "test-"),
				Duration.ofNanos(spinNanos))) {
			CountDownLatch started = new CountDownLatch(tasks);
			CountDownLatch done = new CountDownLatch(tasks);
			for (int i = 0; i < tasks; i++) {
				assertThat(pool.tryEnqueue(() -> {
					started.countDown();
					try {
						started.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					done.countDown();
				})).isTrue();
			}
			pool.signal();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(started.getCount()).isZero();
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 200_000 })
	void manyShortTasksFromSeveralThreadsAllRun(long spinNanos) throws InterruptedException {
		int perThread = 20_000;
		try (WorkerPool pool = new WorkerPool(new WorkerPoolOptions(4, 64, 1, "test-"), Duration.ofNanos(spinNanos))) {
			AtomicInteger ran = new AtomicInteger();
			AtomicInteger admitted = new AtomicInteger();
			Thread[] submitters = new Thread[3];
			for (int t = 0; t < submitters.length; t++) {
				submitters[t] = new Thread(() -> {
					for (int i = 0; i < perThread; i++) {
						if (pool.tryExecute(ran::incrementAndGet)) {
							admitted.incrementAndGet();
						}
						else {
							Thread.onSpinWait();
						}
					}
				});
				submitters[t].start();
			}
			for (Thread submitter : submitters) {
				submitter.join();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == admitted.get());
			assertThat(ran.get()).isEqualTo(admitted.get()).isPositive();
			assertThat(pool.platformRejected()).isEqualTo(3L * perThread - admitted.get());
		}
	}

	@Test
	void admitsThreadsPlusQueueCapacityThenRefuses() throws InterruptedException {
		try (WorkerPool pool = new WorkerPool(new WorkerPoolOptions(2, 3, 1, "test-"))) {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch running = new CountDownLatch(2);
			Runnable blocked = () -> {
				running.countDown();
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			};
			for (int i = 0; i < 5; i++) {
				assertThat(pool.tryExecute(blocked)).as("task %d", i).isTrue();
			}
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(pool.tryExecute(blocked)).isFalse();
			assertThat(pool.platformRejected()).isEqualTo(1);
			assertThat(pool.activeWorkers()).isEqualTo(2);
			assertThat(pool.queueSize()).isEqualTo(3);
			release.countDown();
		}
	}

	@Test
	void shutdownInterruptsRunningTasksAndReturnsQueuedOnes() throws InterruptedException {
		WorkerPool pool = new WorkerPool(new WorkerPoolOptions(1, 4, 1, "test-"));
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		pool.tryExecute(() -> {
			running.countDown();
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		Runnable queued = () -> {
		};
		pool.tryExecute(queued);
		pool.tryExecute(queued);
		List<Runnable> dropped = pool.shutdownNow(Duration.ofSeconds(5));
		assertThat(dropped).containsExactly(queued, queued);
		assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(pool.tryExecute(queued)).isFalse();
	}

}
