package dev.fastnet.spring.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the {@code @FastnetTest} tests find.
 */
@SpringBootApplication
public class SliceTestApplication {

}
