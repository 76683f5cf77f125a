package dev.fastnet.spring.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.fastnet.dispatch.Execution;

/**
 * Marks a bean method as the handler of a fastnet route. On a type, gives a prefix that
 * is joined with a dot to the routes of the type's methods.
 *
 * <pre>{@code
 * &#64;Component
 * &#64;MessageHandler("kv")
 * class KeyValueHandlers {
 *
 *     &#64;MessageHandler("get")            // route "kv.get"
 *     Entry get(KeyRequest request) { ... }
 *
 * }
 * }</pre>
 * <p>
 * Parameters: the payload as {@code byte[]}, {@link String} (UTF-8),
 * {@link java.nio.ByteBuffer}, {@link io.netty.buffer.ByteBuf} (valid during the call) or
 * any type read from JSON; {@link dev.fastnet.session.Session};
 * {@link dev.fastnet.dispatch.RequestContext}; {@link Header @Header} values. Return
 * values: {@code byte[]}, {@link String}, {@link java.nio.ByteBuffer}, any object
 * (written as JSON), {@code void} (an empty answer), or a
 * {@link java.util.concurrent.CompletionStage} of those.
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageHandler {

	/**
	 * The route on a method; the route prefix on a type.
	 * @return the route or prefix
	 */
	String value() default "";

	/**
	 * Where the handler runs; empty for the server's default execution.
	 * @return at most one execution
	 */
	Execution[] execution() default {};

}
