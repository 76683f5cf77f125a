package dev.fastnet.spring.client;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.fastnet.client.FastnetClient;

import org.springframework.util.Assert;

/**
 * Creates the {@link FastnetClient} of each {@code fastnet.client.<name>} entry and knows
 * them by name afterwards, for the health indicator, the metrics and the discovery
 * refresher.
 *
 * @since 0.1.0
 */
public class FastnetClientFactory {

	private final Function<String, FastnetClient> creator;

	private final Map<String, FastnetClient> clients = new ConcurrentHashMap<>();

	/**
	 * Create a factory.
	 * @param creator creates the client of a name, fully configured
	 */
	public FastnetClientFactory(Function<String, FastnetClient> creator) {
		Assert.notNull(creator, "'creator' must not be null");
		this.creator = creator;
	}

	/**
	 * Create the client with the given name.
	 * @param name the key under {@code fastnet.client}
	 * @return the client
	 */
	public FastnetClient create(String name) {
		FastnetClient created = this.creator.apply(name);
		this.clients.put(name, created);
		return created;
	}

	/**
	 * Return the clients created so far, by name.
	 * @return an unmodifiable view
	 */
	public Map<String, FastnetClient> clients() {
		return Collections.unmodifiableMap(this.clients);
	}

}
