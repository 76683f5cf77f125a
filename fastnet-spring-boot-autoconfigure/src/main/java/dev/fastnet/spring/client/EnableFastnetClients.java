package dev.fastnet.spring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Finds {@link FastnetExchange} interfaces and registers a bean for each.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(FastnetClientsScanRegistrar.class)
public @interface EnableFastnetClients {

	/**
	 * Packages to scan; by default the package of the annotated class.
	 * @return the base packages
	 */
	String[] basePackages() default {};

	/**
	 * Client interfaces to register in addition to those found by scanning.
	 * @return the interfaces
	 */
	Class<?>[] clients() default {};

}
