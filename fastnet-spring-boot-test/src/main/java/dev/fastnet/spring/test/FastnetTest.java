package dev.fastnet.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.autoconfigure.json.AutoConfigureJson;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for the fastnet side of an application: its
 * {@link dev.fastnet.spring.handler.MessageHandler @MessageHandler} beans, handler
 * advice, session listeners, customizers and payload converters, the fastnet and Jackson
 * auto-configuration, a server on an ephemeral loopback port and a
 * {@link FastnetTestClient} bean connected to it. Other components, the rest of the
 * auto-configuration (a web server among them) and {@code CommandLineRunner} components
 * are left out, as Boot's own slices do.
 * <p>
 * The server listens on {@code 127.0.0.1} and port {@code 0} whatever
 * {@link #properties()} holds, unless it sets {@code fastnet.server.address} or
 * {@code fastnet.server.port} itself. The server is bound, and its port published as
 * {@code local.fastnet.port}, before any {@code FastnetClient} bean is created, so a
 * client of the application can call it:
 *
 * <pre>{@code
 * &#64;FastnetTest(properties = "fastnet.client.kv.endpoints=localhost:${local.fastnet.port}")
 * class KeyValueTests {
 *

 *     &#64;Autowired
 *     FastnetTestClient client;
 *
 *
&#64;Test
 *     void missingKeyIs1404() {
 *         assertThat(client.call("kv.get", "{\"key\":\"nope\"}").status()).isEqualTo(1404);
 *     }
 *
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(FastnetTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(FastnetTypeExcludeFilter.class)
@AutoConfigureJson
@AutoConfigureFastnet
public @interface FastnetTest {

	/**
	 * Properties in the form {@code key=value} added to the environment before the test
	 * runs. They come after the slice's own {@code fastnet.server.port=0} and
	 * {@code fastnet.server.address=127.0.0.1}, which they override only when they set
	 * the same keys.
	 * @return the properties
	 */
	String[] properties() default {};

	/**
	 * Whether the default filtering should be used with {@code @SpringBootApplication}.
	 * By default only fastnet components are included.
	 * @return whether to use the default filters
	 */
	boolean useDefaultFilters() default true;

	/**
	 * Filters that add components to the context.
	 * @return the include filters
	 */
	Filter[] includeFilters() default {};

	/**
	 * Filters that remove components from the context.
	 * @return the exclude filters
	 */
	Filter[] excludeFilters() default {};

	/**
	 * Auto-configuration classes to leave out.
	 * @return the excluded auto-configuration classes
	 */
	@AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
	Class<?>[] excludeAutoConfiguration() default {};

}
