package dev.fastnet.spring.test.app;

import dev.fastnet.spring.handler.MessageHandler;

import org.springframework.stereotype.Component;

/**
 * Handlers annotated on their methods only, which the slice must still find.
 */
@Component
class GreetingHandlers {

	@MessageHandler("greet")
	String greet(String name) {
		return "Hello " + name;
	}

}
