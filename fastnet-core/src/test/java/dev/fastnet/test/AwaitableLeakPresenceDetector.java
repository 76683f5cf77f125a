package dev.fastnet.test;

import io.netty.util.LeakPresenceDetector;

/**
 * Netty's {@link LeakPresenceDetector} with a scope the leak check can look at: buffers a
 * closing server or client still releases on its event loops are waited for before the check,
 * because a check that fails resets the count and a later release would then fail the next test
 * class instead. Installed with
 * {@code -Dio.netty.customResourceLeakDetector=dev.fastnet.test.AwaitableLeakPresenceDetector}.
 *
 * @param <T> the tracked type
 */
public class AwaitableLeakPresenceDetector<T> extends LeakPresenceDetector<T> {

	// Netty creates one detector per resource type, reflectively; all share the one scope
	static final ResourceScope SCOPE = new ResourceScope("fastnet tests");

	public AwaitableLeakPresenceDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType);
	}

	public AwaitableLeakPresenceDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		super(resourceType);
	}

	@Override
	protected ResourceScope currentScope() {
		return SCOPE;
	}

}
