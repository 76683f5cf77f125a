package dev.fastnet.benchmarks.load.app;

import dev.fastnet.spring.context.FastnetServerStartedEvent;
import dev.fastnet.spring.handler.MessageHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A Spring Boot application on fastnet's starter with one {@code echo} handler, as a user
 * writes it: {@code byte[]} in, {@code byte[]} out. Where the handler runs comes from
 * {@code fastnet.server.default-execution}, set by the benchmark per system.
 */
@SpringBootApplication
public class EchoApplication {

	/**
	 * Start the application.
	 * @param args Spring Boot arguments, e.g. {@code --fastnet.server.port=7000}
	 */
	public static void main(String[] args) {
		SpringApplication.run(EchoApplication.class, args);
	}

	/**
	 * Tell the benchmark, which reads this process's output, that the server is serving.
	 * @param event the server's start
	 */
	@EventListener
	public void started(FastnetServerStartedEvent event) {
		System.out.println("READY " + event.getPort());
	}

	@Component
	static class EchoHandler {

		@MessageHandler("echo")
		byte[] echo(byte[] payload) {
			return payload;
		}

	}

}
