package dev.fastnet.spring.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that maps exceptions thrown by the {@link MessageHandler} methods of the
 * same bean (or, on a {@link MessageHandlerAdvice} bean, of every bean) to the ERROR
 * answered. The method takes the exception and returns the
 * {@link dev.fastnet.FastnetException} whose status and message are sent.
 *
 * <pre>{@code
 * &#64;MessageExceptionHandler
 * FastnetException noSuchKey(NoSuchElementException ex) {
 *     return new FastnetException(1404, ex.getMessage());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageExceptionHandler {

	/**
	 * The exception types handled; by default the type of the method's parameter.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] value() default {};

}
