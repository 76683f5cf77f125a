package dev.fastnet.spring.boot.autoconfigure;

import dev.fastnet.server.FastnetServer;

/**
 * Customizes the auto-configured {@link FastnetServer} before it is built: its
 * configuration, session listeners, metrics recorder or connection pipeline.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FastnetServerCustomizer {

	/**
	 * Customize the server's builder.
	 * @param builder the builder
	 */
	void customize(FastnetServer.Builder builder);

}
