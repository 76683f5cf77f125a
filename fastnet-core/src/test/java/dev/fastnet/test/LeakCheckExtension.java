package dev.fastnet.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@link LeakCheck} after every test class, once its servers and clients are closed,
 * and fails the class that left a buffer open or leaked one. Registered for every test
 * class through JUnit's extension auto-detection. The configuration parameter
 * {@value #RELEASE_WAIT_PARAMETER} changes how long it waits for buffers still being
 * released.
 */
public class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

	/** Configuration parameter: the longest wait for open buffers, in milliseconds. */
	public static final String RELEASE_WAIT_PARAMETER = "fastnet.leak-check.release-wait-ms";

	@Override
	public void beforeAll(ExtensionContext context) {
		LeakCheck.assertInstalled();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Duration releaseWait = context.getConfigurationParameter(RELEASE_WAIT_PARAMETER)
			.map((millis) -> Duration.ofMillis(Long.parseLong(millis)))
			.orElse(LeakCheck.RELEASE_WAIT);
		LeakCheck.check(context.getRequiredTestClass().getName(), releaseWait);
	}

	/**
	 * Run the check now, for a test that reports it as a figure once everything it opened
	 * is closed, and return what it found.
	 * @return the problems found (open or leaked buffers), empty when none
	 */
	public static List<String> collectLeaks() {
		try {
			LeakCheck.check("a check within a test", LeakCheck.RELEASE_WAIT);
			return List.of();
		}
		catch (AssertionError ex) {
			return List.of(String.valueOf(ex.getMessage()));
		}
	}

}
