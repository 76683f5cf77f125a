package dev.fastnet.spring.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler parameter to a request header, as Spring MVC's {@code @RequestHeader}
 * does. The parameter is a {@link String}, or an {@link java.util.Optional
 * Optional&lt;String&gt;} that is empty when the header is missing. A request without a
 * {@link #required() required} header is answered with ERROR 400
 * {@code Missing header '<name>'} and the handler is not called; a header that is not
 * required is {@code null} when missing.
 * <p>
 * On a {@link dev.fastnet.spring.client.FastnetRoute @FastnetRoute} method of a
 * declarative client the parameter's value is sent as the header, and a {@code null}
 * value sends none.
 *
 * @since 0.1.0
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Header {

	/**
	 * The header's name.
	 * @return the name
	 */
	String value();

	/**
	 * Whether the header must be present. Ignored for {@link java.util.Optional Optional}
	 * parameters and on declarative client methods.
	 * @return whether a request without the header is answered with ERROR 400
	 */
	boolean required() default true;

}
