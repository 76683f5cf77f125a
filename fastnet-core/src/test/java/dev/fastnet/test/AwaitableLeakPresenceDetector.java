package dev.fastnet.test;

import io.netty.util.LeakPresenceDetector;

/**
 * Netty's {@link LeakPresenceDetector} with a scope the leak check can look at: buffers a
 * closing server or client still releases on its event loops are waited for before the
 * check, because a check that fails resets the count and a later release would then fail
 * the next test class instead. Installed with
 * {@code -Dio.netty.customResourceLeakDetector=dev.fastnet.test.AwaitableLeakPresenceDetector}.
 *
 * @param <T> the tracked type
 */
public class AwaitableLeakPresenceDetector<T> extends LeakPresenceDetector<T> {

	// Netty creates one detector per resource type, reflectively; all share the one scope
	static final ResourceScope SCOPE = new ResourceScope("fastnet tests");

	/**
	 * Netty's OpenSSL contexts and engines of the {@code OPENSSL} provider, which Netty
	 * frees when they are collected, by design: counted apart and never checked.
	 */
	static final ResourceScope COLLECTED_BY_NETTY = new ResourceScope("released when collected");

	private final ResourceScope scope;

	public AwaitableLeakPresenceDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType);
		this.scope = resourceType.getName().startsWith("io.netty.handler.ssl.") ? COLLECTED_BY_NETTY : SCOPE;
	}

	public AwaitableLeakPresenceDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		this(resourceType, samplingInterval);
	}

	@Override
	protected ResourceScope currentScope() {
		return this.scope;
	}

}
