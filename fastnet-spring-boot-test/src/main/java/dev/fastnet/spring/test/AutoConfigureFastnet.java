package dev.fastnet.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Imports the fastnet auto-configuration that {@link FastnetTest} uses, listed in
 * {@code META-INF/spring/dev.fastnet.spring.test.AutoConfigureFastnet.imports}. Use it on
 * a test that builds its context another way and wants the same fastnet beans.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureFastnet {

}
