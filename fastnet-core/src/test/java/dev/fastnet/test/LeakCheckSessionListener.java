package dev.fastnet.test;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs {@link LeakCheck} once more when a test JVM's launcher session closes: a buffer
 * released late or collected after the last test class still fails the run. A session
 * listener rather than a test execution listener because JUnit only logs what the latter
 * throw.
 */
public class LeakCheckSessionListener implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		// Installs the leak listener before the first test allocates anything
		LeakCheck.reportCount();
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		LeakCheck.assertInstalled();
		LeakCheck.check("The tests after the last class check", LeakCheck.RELEASE_WAIT);
	}

}
