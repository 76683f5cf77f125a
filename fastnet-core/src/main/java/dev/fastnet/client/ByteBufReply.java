package dev.fastnet.client;

import java.util.Map;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * The answer to a request with its payload left in the buffer it arrived in, for callers
 * that read it without a copy. The caller owns the reply and releases it once done, for
 * example with try-with-resources; see {@link FastnetClient#requestRetained}.
 *
 * <pre>{@code
 * client.requestRetained("echo", Map.of(), payload, null).thenAccept((reply) -> {
 *     try (reply) {
 *         process(reply.content());
 *     }
 * });
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ByteBufReply extends DefaultByteBufHolder implements AutoCloseable {

	private final Map<String, String> headers;

	/**
	 * Create a reply.
	 * @param payload the payload; ownership passes to the reply
	 * @param headers the headers, already unmodifiable
	 */
	ByteBufReply(ByteBuf payload, Map<String, String> headers) {
		super(payload);
		this.headers = Objects.requireNonNull(headers, "headers");
	}

	/**
	 * Return the headers.
	 * @return an unmodifiable map, empty when there are none
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Copy the reply into a {@link Reply}, which needs no release; this reply stays owned
	 * by the caller.
	 * @return the copy
	 */
	public Reply toReply() {
		ByteBuf content = content();
		byte[] bytes = new byte[content.readableBytes()];
		content.getBytes(content.readerIndex(), bytes);
		return Reply.trusted(bytes, this.headers);
	}

	/**
	 * Release the payload; the same as {@link #release()}, for try-with-resources.
	 */
	@Override
	public void close() {
		release();
	}

	@Override
	public ByteBufReply replace(ByteBuf content) {
		return new ByteBufReply(content, this.headers);
	}

	@Override
	public ByteBufReply retain() {
		super.retain();
		return this;
	}

	@Override
	public ByteBufReply retain(int increment) {
		super.retain(increment);
		return this;
	}

	@Override
	public ByteBufReply touch() {
		super.touch();
		return this;
	}

	@Override
	public ByteBufReply touch(Object hint) {
		super.touch(hint);
		return this;
	}

	@Override
	public ByteBufReply copy() {
		return replace(content().copy());
	}

	@Override
	public ByteBufReply duplicate() {
		return replace(content().duplicate());
	}

	@Override
	public ByteBufReply retainedDuplicate() {
		return replace(content().retainedDuplicate());
	}

	@Override
	public String toString() {
		return "ByteBufReply[" + content().readableBytes() + "B, headers=" + this.headers.keySet() + "]";
	}

}
