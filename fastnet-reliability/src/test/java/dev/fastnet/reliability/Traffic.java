package dev.fastnet.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fastnet.client.FastnetClient;

/**
 * Steady calls to the route {@code echo} at a fixed rate, each with its own timeout, and
 * what became of each.
 */
final class Traffic implements AutoCloseable {

	private static final Pattern NEXT_ATTEMPT = Pattern.compile("next attempt in (\\d+) ms");

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Long> started = new ConcurrentLinkedQueue<>();

	Traffic(FastnetClient client, byte[] payload, Duration period, Duration timeout) {
		this.scheduler.scheduleAtFixedRate(() -> {
			long start = System.nanoTime();
			this.started.add(start);
			client.request("echo", Map.of(), payload, timeout)
				.whenComplete((reply, ex) -> this.outcomes.add(new Outcome(start, System.nanoTime(), ex)));
		}, 0, period.toNanos(), TimeUnit.NANOSECONDS);
	}

	long startedSince(long since) {
		return startedBetween(since, Long.MAX_VALUE);
	}

	long startedBetween(long from, long to) {
		return this.started.stream()
			.filter((start) -> start - from >= 0 && (to == Long.MAX_VALUE || start - to < 0))
			.count();
	}

	long succeededSince(long since) {
		return this.outcomes.stream()
			.filter((outcome) -> outcome.failure() == null && outcome.endedAt() - since >= 0)
			.count();
	}

	/**
	 * Return when the first call that started after the given time succeeded, 0 if none
	 * did.
	 */
	long firstSuccessAfter(long since) {
		return this.outcomes.stream()
			.filter((outcome) -> outcome.failure() == null && outcome.startedAt() - since >= 0)
			.mapToLong(Outcome::endedAt)
			.min()
			.orElse(0);
	}

	/**
	 * Return when the client's backoff let its next connect attempt start, as the latest
	 * failure before the given time reported it; that time itself when none did.
	 */
	long nextAttemptDueAt(long before) {
		long due = before;
		long latest = Long.MIN_VALUE;
		for (Outcome outcome : this.outcomes) {
			if (outcome.failure() == null || outcome.endedAt() - before > 0) {
				continue;
			}
			Matcher matcher = NEXT_ATTEMPT.matcher(String.valueOf(outcome.failure().getMessage()));
			if (matcher.find() && (latest == Long.MIN_VALUE || outcome.endedAt() - latest > 0)) {
				latest = outcome.endedAt();
				due = outcome.endedAt() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(matcher.group(1)));
			}
		}
		return due;
	}

	List<Outcome> failures() {
		return this.outcomes.stream().filter((outcome) -> outcome.failure() != null).toList();
	}

	/**
	 * Start no further calls; those in flight still record their outcome.
	 */
	void stop() {
		this.scheduler.shutdownNow();
	}

	@Override
	public void close() {
		stop();
	}

	record Outcome(long startedAt, long endedAt, Throwable failure) {

	}

}
