package dev.fastnet.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.LeakPresenceDetector;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * The buffer leak check every test JVM runs after each test class and once more after the
 * last.
 * <p>
 * Where the tests release every buffer they cause (codec, server and client suites), the
 * JVM runs with {@link AwaitableLeakPresenceDetector}: every live buffer is counted, so a
 * buffer still referenced or not yet collected fails the class that left it, with no
 * dependence on the garbage collector. Where buffers legitimately outlive a test class,
 * the JVM runs with Netty's own {@link ResourceLeakDetector} at {@code PARANOID} and the
 * check counts its {@code LEAK} reports. Either way the detector must be named with
 * {@code -Dio.netty.customResourceLeakDetector}, so that a module whose tests run without
 * it fails instead of checking nothing.
 */
public final class LeakCheck {

	/** Netty's switch that names the detector class. */
	public static final String DETECTOR_PROPERTY = "io.netty.customResourceLeakDetector";

	/**
	 * Default longest wait for buffers that closing servers and clients still release.
	 */
	public static final Duration RELEASE_WAIT = Duration.ofSeconds(10);

	private static final List<String> reports = new CopyOnWriteArrayList<>();

	private static int checkedReports;

	static {
		// The one listener Netty keeps for buffers; reports are kept, never drained, and
		// each is
		// charged to the first check that sees it
		ByteBufUtil.setLeakListener((resourceType, records) -> reports.add("LEAK: " + resourceType + records));
	}

	private LeakCheck() {
	}

	/**
	 * Fail unless the detector named by {@value #DETECTOR_PROPERTY} is the one Netty
	 * uses, at {@code PARANOID} level.
	 */
	public static void assertInstalled() {
		String configured = System.getProperty(DETECTOR_PROPERTY);
		String active = activeDetector().getClass().getName();
		if (configured == null || !configured.equals(active)) {
			throw new AssertionError("Buffer leak check not installed: -D" + DETECTOR_PROPERTY + " is " + configured
					+ " but Netty uses " + active + "; set it in the Surefire argLine (fastnet.test.argLine)");
		}
		if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
			throw new AssertionError("Buffer leak check needs -Dio.netty.leakDetection.level=paranoid, not "
					+ ResourceLeakDetector.getLevel());
		}
	}

	/**
	 * Return whether every live buffer is counted ({@link LeakPresenceDetector}) rather
	 * than reported when collected.
	 * @return whether the presence detector is in use
	 */
	public static boolean isPresenceCounting() {
		return activeDetector() instanceof LeakPresenceDetector;
	}

	/**
	 * Return the number of {@code LEAK} reports Netty made in this JVM so far.
	 * @return the number of reports
	 */
	public static int reportCount() {
		return reports.size();
	}

	/**
	 * Fail if a buffer is still open (presence counting, after a bounded wait for
	 * releases in progress) or if Netty reported leaks since the previous check.
	 * @param suite what ran since the previous check, for the message
	 * @param releaseWait the longest wait for open buffers to be released
	 */
	public static synchronized void check(String suite, Duration releaseWait) {
		List<String> problems = new ArrayList<>();
		if (isPresenceCounting()) {
			awaitReleases(releaseWait);
			try {
				LeakPresenceDetector.check();
			}
			catch (IllegalStateException ex) {
				problems.add(ex.getMessage());
			}
		}
		else {
			surfaceCollectedLeaks();
		}
		int reported = reports.size();
		problems.addAll(reports.subList(checkedReports, reported));
		checkedReports = reported;
		if (!problems.isEmpty()) {
			throw new AssertionError(suite + " leaked buffers:\n" + String.join("\n", problems));
		}
	}

	private static ResourceLeakDetector<Object> activeDetector() {
		// Netty builds its detectors with this factory; for the presence detector this is
		// cheap
		return ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class);
	}

	private static void awaitReleases(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (AwaitableLeakPresenceDetector.SCOPE.hasOpenResources() && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	private static void surfaceCollectedLeaks() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			// Paranoid detection looks at collected buffers whenever it tracks a new one
			ByteBuf probe = ByteBufAllocator.DEFAULT.heapBuffer(8);
			probe.release();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

}
