package dev.fastnet.sample;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.spring.handler.MessageHandler;
import io.netty.buffer.ByteBuf;

import org.springframework.stereotype.Component;

/**
 * The route {@code echo}: answers with the payload unchanged. It never blocks, so it runs
 * on the event loop, and returning the request's own buffer sends it back without a copy.
 */
@Component
class EchoHandler {

	@MessageHandler(value = "echo", execution = Execution.EVENT_LOOP)
	ByteBuf echo(ByteBuf payload) {
		return payload;
	}

}
