package dev.fastnet.spring.test.app;

import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

/**
 * A runner that would fail any context that ran it.
 */
@Component
class StartupRunner implements CommandLineRunner {

	@Override
	public void run(String... args) {
		throw new IllegalStateException("A @FastnetTest must not run the application's runners");
	}

}
