package dev.fastnet.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty leak detector for tests: reports every leak as Netty does and also records it, so that
 * {@link LeakCheckExtension} can fail the build. Installed with
 * {@code -Dio.netty.customResourceLeakDetector=dev.fastnet.test.LeakRecordingDetector}.
 *
 * @param <T> the tracked type
 */
public class LeakRecordingDetector<T> extends ResourceLeakDetector<T> {

	// Netty creates detectors reflectively and shares them statically; a static record is the
	// only place both the detector and the JUnit extension can reach. Test code only.
	private static final List<String> leaks = new CopyOnWriteArrayList<>();

	public LeakRecordingDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		super(resourceType, samplingInterval, maxActive);
	}

	public LeakRecordingDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType, samplingInterval);
	}

	@Override
	protected boolean needReport() {
		return true;
	}

	@Override
	protected void reportTracedLeak(String resourceType, String records) {
		leaks.add("LEAK: " + resourceType + records);
		super.reportTracedLeak(resourceType, records);
	}

	@Override
	protected void reportUntracedLeak(String resourceType) {
		leaks.add("LEAK: " + resourceType + " (untraced)");
		super.reportUntracedLeak(resourceType);
	}

	/**
	 * Return the leaks recorded so far and forget them.
	 * @return the leak reports
	 */
	public static List<String> drain() {
		List<String> copy = List.copyOf(leaks);
		leaks.removeAll(copy);
		return copy;
	}

	/**
	 * Return whether this detector is the one Netty uses.
	 * @return whether leak reports are recorded
	 */
	public static boolean isInstalled() {
		return LeakRecordingDetector.class.getName()
			.equals(System.getProperty("io.netty.customResourceLeakDetector"));
	}

}
