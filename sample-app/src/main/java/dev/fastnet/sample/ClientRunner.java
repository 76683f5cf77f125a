package dev.fastnet.sample;

import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.spring.client.EnableFastnetClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.CommandLineRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * With the {@code client} profile, the sample runs as a client of a sample server: it
 * stores, reads and deletes a key, shows the 1404 answer for a missing key, and exits.
 */
@Configuration(proxyBeanMethods = false)
@Profile("client")
@EnableFastnetClients
class ClientRunner implements CommandLineRunner {

	private static final Log logger = LogFactory.getLog(ClientRunner.class);

	private final KeyValueClient client;

	ClientRunner(KeyValueClient client) {
		this.client = client;
	}

	@Override
	public void run(String... args) {
		logger.info("echo -> " + this.client.echo("hello fastnet"));
		logger.info("kv.put -> " + this.client.put(new KeyValueHandlers.Entry("color", "blue")));
		logger.info("kv.get -> " + this.client.get(new KeyValueHandlers.Key("color")));
		logger.info("kv.delete -> " + this.client.delete(new KeyValueHandlers.Key("color")).join());
		try {
			this.client.get(new KeyValueHandlers.Key("color"));
		}
		catch (FastnetRemoteException ex) {
			logger.info("kv.get of a deleted key -> ERROR " + ex.status() + " " + ex.getMessage());
		}
	}

}
