package dev.fastnet.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

/**
 * What one load client run counts: the phase (warm-up, measured, stopped), latencies in a
 * few striped histograms (each connection or chain records into one, under its lock, so
 * threads rarely meet), and the outcomes.
 */
final class Measurement {

	static final int WARMUP = 0;

	static final int MEASURED = 1;

	static final int STOPPED = 2;

	private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

	final LongAdder ok = new LongAdder();

	final LongAdder errors = new LongAdder();

	final LongAdder mismatches = new LongAdder();

	final LongAdder connectionsLost = new LongAdder();

	private final Histogram[] histograms;

	private volatile int phase = WARMUP;

	Measurement(int stripes) {
		this.histograms = new Histogram[stripes];
		for (int i = 0; i < stripes; i++) {
			this.histograms[i] = new Histogram(HIGHEST_NANOS, 3);
		}
	}

	int phase() {
		return this.phase;
	}

	void phase(int phase) {
		this.phase = phase;
	}

	boolean measuring() {
		return this.phase == MEASURED;
	}

	boolean stopped() {
		return this.phase == STOPPED;
	}

	/**
	 * Return the histogram of a connection or chain; record into it while holding its
	 * lock.
	 */
	Histogram histogram(int index) {
		return this.histograms[Math.floorMod(index, this.histograms.length)];
	}

	/**
	 * Return all latencies in one histogram.
	 */
	Histogram merged() {
		Histogram all = new Histogram(HIGHEST_NANOS, 3);
		for (Histogram histogram : this.histograms) {
			synchronized (histogram) {
				all.add(histogram);
			}
		}
		return all;
	}

}
