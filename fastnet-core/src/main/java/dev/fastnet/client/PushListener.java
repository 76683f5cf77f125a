package dev.fastnet.client;

/**
 * Receives the PUSH (and server-sent ONEWAY) messages of one route.
 * <p>
 * Invoked on the I/O thread of the connection the message arrived on, in arrival order:
 * an implementation must not block; hand slow work to an executor. An exception thrown by
 * a listener is logged and otherwise ignored.
 *
 * <pre>{@code
 * client.onPush("price.update", (route, message) -> prices.offer(message.payloadString()));
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PushListener {

	/**
	 * Handle a message pushed by the server.
	 * @param route the message's route
	 * @param message the payload and headers
	 */
	void onPush(String route, Reply message);

}
