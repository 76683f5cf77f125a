package dev.fastnet.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@link LeakCheck} after every test class, once its servers and clients are closed, and
 * fails the class that left a buffer open or leaked one. Registered for every test class through
 * JUnit's extension auto-detection.
 */
public class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		LeakCheck.assertInstalled();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		LeakCheck.check(context.getRequiredTestClass().getName());
	}

}
