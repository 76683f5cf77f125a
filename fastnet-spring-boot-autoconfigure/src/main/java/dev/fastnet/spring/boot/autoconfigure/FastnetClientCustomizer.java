package dev.fastnet.spring.boot.autoconfigure;

import dev.fastnet.client.FastnetClient;

/**
 * Customizes each auto-configured {@link FastnetClient} before it is built.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FastnetClientCustomizer {

	/**
	 * Customize the builder of one client.
	 * @param name the client's name, the key under {@code fastnet.client}
	 * @param builder the builder
	 */
	void customize(String name, FastnetClient.Builder builder);

}
