package dev.fastnet.session;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a server, from accept to close. Thread-safe.
 *
 * @since 0.1.0
 */
public interface Session {

	/**
	 * Return the id of this session, unique within its server.
	 * @return the id
	 */
	long id();

	/**
	 * Return the address of the peer.
	 * @return the remote address
	 */
	SocketAddress remoteAddress();

	/**
	 * Return the local address of the connection.
	 * @return the local address
	 */
	SocketAddress localAddress();

	/**
	 * Return whether the connection is open.
	 * @return whether the session is active
	 */
	boolean isActive();

	/**
	 * Return an application attribute.
	 * @param name the attribute's name
	 * @return the value or {@code null}
	 */
	@Nullable Object attribute(String name);

	/**
	 * Set or, with {@code null}, remove an application attribute.
	 * @param name the attribute's name
	 * @param value the value
	 */
	void attribute(String name, @Nullable Object value);

	/**
	 * Send a PUSH message to the peer.
	 * @param route the route the peer dispatches on
	 * @param payload the payload; ownership passes to fastnet
	 * @return completes when the message is written, exceptionally when it cannot be
	 */
	CompletableFuture<Void> push(String route, ByteBuf payload);

	/**
	 * Send a PUSH message to the peer.
	 * @param route the route the peer dispatches on
	 * @param payload the payload
	 * @return completes when the message is written, exceptionally when it cannot be
	 */
	CompletableFuture<Void> push(String route, byte[] payload);

	/**
	 * Close the connection. Requests in flight on it are abandoned.
	 * @return completes when the connection is closed
	 */
	CompletableFuture<Void> close();

}
