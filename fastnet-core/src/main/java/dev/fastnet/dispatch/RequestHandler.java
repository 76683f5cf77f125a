package dev.fastnet.dispatch;

import org.jspecify.annotations.Nullable;

/**
 * Handles the requests of one route.
 * <p>
 * The return value becomes the RESPONSE payload: a {@link io.netty.buffer.ByteBuf}
 * (ownership passes to fastnet; returning {@link RequestContext#payload()} itself, not
 * retained, echoes it without a copy), {@code byte[]}, {@link java.nio.ByteBuffer},
 * {@link CharSequence} (UTF-8), {@code null} for an empty answer, or a
 * {@link java.util.concurrent.CompletionStage} of one of those. A thrown
 * {@link dev.fastnet.FastnetException} answers ERROR with its status; any other exception
 * answers ERROR 500 with its message.
 *
 * <pre>{@code
 * RequestHandler echo = (request) -> request.payload();
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestHandler {

	/**
	 * Handle one request or one-way message.
	 * @param request the request; its payload is valid until this method returns
	 * @return the answer's payload
	 * @throws Exception on failure
	 */
	@Nullable Object handle(RequestContext request) throws Exception;

}
