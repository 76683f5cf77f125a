package dev.fastnet.dispatch;

import java.util.Map;

import dev.fastnet.protocol.FrameType;
import dev.fastnet.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RequestHandler} sees of one request.
 *
 * @since 0.1.0
 */
public interface RequestContext {

	/**
	 * Return the session the request arrived on.
	 * @return the session
	 */
	Session session();

	/**
	 * Return the frame type: {@link FrameType#REQUEST}, {@link FrameType#ONEWAY}, or
	 * {@link FrameType#PUSH} on a client.
	 * @return the type
	 */
	FrameType type();

	/**
	 * Return whether no answer will be sent.
	 * @return {@code true} for ONEWAY and PUSH
	 */
	default boolean isOneway() {
		return type() != FrameType.REQUEST;
	}

	/**
	 * Return the correlation id chosen by the requester.
	 * @return the id, 0 for one-way messages
	 */
	int id();

	/**
	 * Return the route.
	 * @return the route
	 */
	String route();

	/**
	 * Return the headers.
	 * @return an unmodifiable map
	 */
	Map<String, String> headers();

	/**
	 * Return one header.
	 * @param name the header's name
	 * @return the value or {@code null}
	 */
	default @Nullable String header(String name) {
		return headers().get(name);
	}

	/**
	 * Return the payload, valid until the handler returns; fastnet releases it then. To
	 * keep it longer, copy it or take a {@code retainedSlice()} and release that. To
	 * answer with it, return it as it is, without {@code retain()}: ownership then passes
	 * to the answer without a copy.
	 * @return the payload
	 */
	ByteBuf payload();

	/**
	 * Return a copy of the payload.
	 * @return the bytes
	 */
	byte[] payloadBytes();

	/**
	 * Return the payload decoded as UTF-8.
	 * @return the text
	 */
	String payloadString();

	/**
	 * Return the allocator for answer payloads.
	 * @return the connection's allocator
	 */
	ByteBufAllocator alloc();

	/**
	 * Return the time left before the requester gives up, from its {@code timeout-ms}
	 * header.
	 * @return nanoseconds left (negative when expired), or {@link Long#MAX_VALUE} without
	 * a deadline
	 */
	long remainingNanos();

}
