package dev.fastnet.spring.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a declarative fastnet client (named apart from the
 * {@link dev.fastnet.client.FastnetClient} it calls through): with
 * {@link EnableFastnetClients} it becomes a bean whose {@link FastnetRoute} methods send
 * requests through the {@link dev.fastnet.client.FastnetClient} configured under
 * {@code fastnet.client.<name>}.
 *
 * <pre>{@code
 * &#64;FastnetExchange("kv")
 * interface KeyValueClient {
 *
 *     &#64;FastnetRoute("kv.get")
 *     Entry get(Key key);                              // blocking, JSON in and out
 *
 *     &#64;FastnetRoute("kv.put")
 *     CompletableFuture<Entry> put(Entry entry);       // asynchronous
 *
 *     &#64;FastnetRoute("audit.log")
 *     void log(String line);                           // one-way
 *
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FastnetExchange {

	/**
	 * The client's name: the key under {@code fastnet.client}.
	 * @return the name
	 */
	String value();

}
