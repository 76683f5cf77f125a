package dev.fastnet.spring.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.client.Reply;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.handler.PayloadConverter;
import org.jspecify.annotations.Nullable;

/**
 * A client for tests, connected to the application's fastnet server on its actual port
 * once the server runs. Calls never throw for ERROR answers: they return a
 * {@link TestReply} whose status can be asserted.
 *
 * @since 0.1.0
 */
public class FastnetTestClient implements AutoCloseable {

	private final FastnetServer server;

	private final @Nullable PayloadConverter converter;

	private volatile @Nullable FastnetClient client;

	/**
	 * Create a test client; it connects on first use.
	 * @param server the server to call
	 * @param converter converts objects to and from payloads, or {@code null}
	 */
	public FastnetTestClient(FastnetServer server, @Nullable PayloadConverter converter) {
		this.server = server;
		this.converter = converter;
	}

	/**
	 * Call a route with a text payload.
	 * @param route the route
	 * @param payload the payload, sent as UTF-8
	 * @return the answer
	 */
	public TestReply call(String route, String payload) {
		return call(route, Map.of(), payload.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Call a route with an object written as the payload (JSON by default).
	 * @param route the route
	 * @param payload the payload
	 * @return the answer
	 */
	public TestReply callWith(String route, Object payload) {
		return call(route, Map.of(), converter().write(payload));
	}

	/**
	 * Call a route.
	 * @param route the route
	 * @param headers the request headers
	 * @param payload the payload
	 * @return the answer
	 */
	public TestReply call(String route, Map<String, String> headers, byte[] payload) {
		try {
			Reply reply = client().request(route, headers, payload, null).join();
			return new TestReply(0, "", reply.payload(), this.converter);
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof FastnetRemoteException remote) {
				return new TestReply(remote.status(), String.valueOf(remote.getMessage()), new byte[0], this.converter);
			}
			throw ex;
		}
	}

	/**
	 * Send a one-way message.
	 * @param route the route
	 * @param payload the payload, sent as UTF-8
	 */
	public void send(String route, String payload) {
		client().oneway(route, payload.getBytes(StandardCharsets.UTF_8)).join();
	}

	private PayloadConverter converter() {
		PayloadConverter converter = this.converter;
		if (converter == null) {
			throw new IllegalStateException("No PayloadConverter: add Jackson to the test class path");
		}
		return converter;
	}

	private FastnetClient client() {
		FastnetClient client = this.client;
		if (client == null) {
			synchronized (this) {
				client = this.client;
				if (client == null) {
					client = FastnetClient.create(ClientConfig.builder()
						.name("test")
						.endpoint(this.server.address().getAddress().getHostAddress(), this.server.port())
						.ioThreads(1)
						.requestTimeout(Duration.ofSeconds(10))
						.build());
					this.client = client;
				}
			}
		}
		return client;
	}

	@Override
	public void close() {
		FastnetClient client = this.client;
		if (client != null) {
			client.close(Duration.ofSeconds(1));
		}
	}

	/**
	 * What a test call got back.
	 *
	 * @param status 0 for a RESPONSE, else the ERROR status
	 * @param message the ERROR message, empty for a RESPONSE
	 * @param payload the RESPONSE payload, empty for an ERROR
	 * @param converter reads the payload into objects
	 */
	public record TestReply(int status, String message, byte[] payload, @Nullable PayloadConverter converter) {

		/**
		 * Return whether the answer was a RESPONSE.
		 * @return {@code true} for a RESPONSE, {@code false} for an ERROR
		 */
		public boolean isOk() {
			return this.status == 0;
		}

		/**
		 * Return the payload as UTF-8 text.
		 * @return the text
		 */
		public String payloadString() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/**
		 * Read the payload into a type (JSON by default).
		 * @param <T> the type
		 * @param type the type
		 * @return the value
		 */
		public <T> T payloadAs(Class<T> type) {
			if (this.converter == null) {
				throw new IllegalStateException("No PayloadConverter: add Jackson to the test class path");
			}
			return type.cast(this.converter.read(this.payload, type));
		}

	}

}
