package dev.fastnet.spring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route a method of a {@link FastnetExchange} interface calls. The method takes at
 * most one payload parameter ({@code byte[]}, {@link String} or any type written as JSON)
 * and any number of {@link dev.fastnet.spring.handler.Header @Header} parameters. It
 * returns the decoded answer (blocking), a {@link java.util.concurrent.CompletableFuture}
 * of it, or {@code void} to send a one-way message.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FastnetRoute {

	/**
	 * The route.
	 * @return the route
	 */
	String value();

	/**
	 * Time the call waits for its answer, in milliseconds, sent to the server as
	 * {@code timeout-ms}; 0 for the client's request timeout.
	 * @return the timeout
	 */
	long timeoutMillis() default 0;

}
