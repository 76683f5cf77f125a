package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import org.jspecify.annotations.Nullable;

/**
 * One fastnet frame. Immutable apart from its payload's reference count: a frame owns its
 * payload, so releasing the frame releases the payload. Whoever holds a frame releases
 * it, or passes it on (writing it to a channel passes ownership to the encoder).
 *
 * @since 0.1.0
 */
public final class Frame implements ReferenceCounted {

	private final FrameType type;

	private final int id;

	private final String route;

	private final Map<String, String> headers;

	private final ByteBuf payload;

	private Frame(FrameType type, int id, String route, Map<String, String> headers, ByteBuf payload) {
		this.type = type;
		this.id = id;
		this.route = route;
		this.headers = headers;
		this.payload = payload;
	}

	/**
	 * Create a frame; the route must fit in 255 UTF-8 bytes.
	 * @param type the type
	 * @param id the correlation id
	 * @param route the route, empty for none
	 * @param headers the headers, empty for none; copied
	 * @param payload the payload; ownership passes to the frame
	 * @return the frame
	 */
	public static Frame of(FrameType type, int id, String route, Map<String, String> headers, ByteBuf payload) {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(route, "route");
		Objects.requireNonNull(headers, "headers");
		Objects.requireNonNull(payload, "payload");
		if (route.length() > FrameFormat.MAX_ROUTE_LENGTH
				|| ByteBufUtil.utf8Bytes(route) > FrameFormat.MAX_ROUTE_LENGTH) {
			payload.release();
			throw new IllegalArgumentException(
					"route must be at most " + FrameFormat.MAX_ROUTE_LENGTH + " UTF-8 bytes: " + route);
		}
		Map<String, String> copy = headers.isEmpty() ? Map.of()
				: Collections.unmodifiableMap(new LinkedHashMap<>(headers));
		return new Frame(type, id, route, copy, payload);
	}

	/**
	 * Create a frame from values the decoder has already validated.
	 */
	static Frame trusted(FrameType type, int id, String route, Map<String, String> headers, ByteBuf payload) {
		return new Frame(type, id, route, headers, payload);
	}

	/**
	 * Create a REQUEST.
	 * @param id the correlation id
	 * @param route the route
	 * @param headers the headers
	 * @param payload the payload; ownership passes to the frame
	 * @return the frame
	 */
	public static Frame request(int id, String route, Map<String, String> headers, ByteBuf payload) {
		return of(FrameType.REQUEST, id, route, headers, payload);
	}

	/**
	 * Create a RESPONSE.
	 * @param id the id of the request answered
	 * @param payload the payload; ownership passes to the frame
	 * @return the frame
	 */
	public static Frame response(int id, ByteBuf payload) {
		return new Frame(FrameType.RESPONSE, id, "", Map.of(), Objects.requireNonNull(payload, "payload"));
	}

	/**
	 * Create a ONEWAY message.
	 * @param route the route
	 * @param headers the headers
	 * @param payload the payload; ownership passes to the frame
	 * @return the frame
	 */
	public static Frame oneway(String route, Map<String, String> headers, ByteBuf payload) {
		return of(FrameType.ONEWAY, 0, route, headers, payload);
	}

	/**
	 * Create a PUSH message.
	 * @param route the route
	 * @param payload the payload; ownership passes to the frame
	 * @return the frame
	 */
	public static Frame push(String route, ByteBuf payload) {
		return of(FrameType.PUSH, 0, route, Map.of(), payload);
	}

	/**
	 * Create an ERROR whose payload is the status and the UTF-8 message.
	 * @param alloc the allocator for the payload
	 * @param id the id of the request answered
	 * @param status the status, 0-65535
	 * @param message the message
	 * @return the frame
	 */
	public static Frame error(ByteBufAllocator alloc, int id, int status, @Nullable String message) {
		String text = (message != null) ? message : "";
		ByteBuf payload = alloc.buffer(2 + ByteBufUtil.utf8MaxBytes(text));
		payload.writeShort(status);
		ByteBufUtil.writeUtf8(payload, text);
		return new Frame(FrameType.ERROR, id, "", Map.of(), payload);
	}

	/**
	 * Create a frame without route and payload with id 0 (PING, GOAWAY).
	 * @param type the type
	 * @return the frame
	 */
	public static Frame control(FrameType type) {
		return new Frame(type, 0, "", Map.of(), Unpooled.EMPTY_BUFFER);
	}

	/**
	 * Create a PONG answering a PING. It echoes the PING's id, as every answer does, so
	 * that a peer that numbers its PINGs can match them.
	 * @param id the id of the PING answered
	 * @return the frame
	 */
	public static Frame pong(int id) {
		return new Frame(FrameType.PONG, id, "", Map.of(), Unpooled.EMPTY_BUFFER);
	}

	/**
	 * Return the type.
	 * @return the type
	 */
	public FrameType type() {
		return this.type;
	}

	/**
	 * Return the correlation id.
	 * @return the id
	 */
	public int id() {
		return this.id;
	}

	/**
	 * Return the route.
	 * @return the route, empty when the frame has none
	 */
	public String route() {
		return this.route;
	}

	/**
	 * Return the headers.
	 * @return an unmodifiable map, empty when the frame has none
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Return the payload. The frame keeps ownership.
	 * @return the payload
	 */
	public ByteBuf payload() {
		return this.payload;
	}

	/**
	 * Return the status of an ERROR frame.
	 * @return the status
	 * @throws ProtocolException when the payload is shorter than a status
	 */
	public int errorStatus() {
		if (this.payload.readableBytes() < 2) {
			throw new ProtocolException(ProtocolViolation.MALFORMED, "ERROR frame without a status");
		}
		return this.payload.getUnsignedShort(this.payload.readerIndex());
	}

	/**
	 * Return the message of an ERROR frame.
	 * @return the message
	 */
	public String errorMessage() {
		int readable = this.payload.readableBytes();
		return (readable <= 2) ? ""
				: this.payload.toString(this.payload.readerIndex() + 2, readable - 2, StandardCharsets.UTF_8);
	}

	@Override
	public int refCnt() {
		return this.payload.refCnt();
	}

	@Override
	public Frame retain() {
		this.payload.retain();
		return this;
	}

	@Override
	public Frame retain(int increment) {
		this.payload.retain(increment);
		return this;
	}

	@Override
	public Frame touch() {
		this.payload.touch();
		return this;
	}

	@Override
	public Frame touch(Object hint) {
		this.payload.touch(hint);
		return this;
	}

	@Override
	public boolean release() {
		return this.payload.release();
	}

	@Override
	public boolean release(int decrement) {
		return this.payload.release(decrement);
	}

	@Override
	public String toString() {
		return "Frame[" + this.type + " id=" + this.id + " route='" + this.route + "' headers=" + this.headers.size()
				+ " payload=" + this.payload.readableBytes() + "B]";
	}

}
