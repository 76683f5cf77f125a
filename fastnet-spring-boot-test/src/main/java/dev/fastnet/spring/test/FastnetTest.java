package dev.fastnet.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;

/**
 * A {@link SpringBootTest} whose fastnet server listens on an ephemeral loopback port, with a
 * {@link FastnetTestClient} bean connected to it.
 *
 * <pre>{@code
 * @FastnetTest
 * class KeyValueTests {
 *
 *     @Autowired
 *     FastnetTestClient client;
 *
 *     @Test
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
@SpringBootTest(properties = { "fastnet.server.port=0", "fastnet.server.address=127.0.0.1" })
@ImportAutoConfiguration(FastnetTestClientAutoConfiguration.class)
public @interface FastnetTest {

	/**
	 * Further properties, in the form {@code key=value}.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default { "fastnet.server.port=0", "fastnet.server.address=127.0.0.1" };

	/**
	 * Classes of the application context; by default found as {@link SpringBootTest} does.
	 * @return the classes
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "classes")
	Class<?>[] classes() default {};

}
