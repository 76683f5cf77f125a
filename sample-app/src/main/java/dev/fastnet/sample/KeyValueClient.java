package dev.fastnet.sample;

import java.util.concurrent.CompletableFuture;

import dev.fastnet.spring.client.FastnetExchange;
import dev.fastnet.spring.client.FastnetRoute;

/**
 * The key-value and echo routes, as seen by a client: a declarative fastnet client over
 * the connection pool configured under {@code fastnet.client.kv}.
 */
@FastnetExchange("kv")
interface KeyValueClient {

	@FastnetRoute("kv.put")
	KeyValueHandlers.Entry put(KeyValueHandlers.Entry entry);

	@FastnetRoute("kv.get")
	KeyValueHandlers.Entry get(KeyValueHandlers.Key key);

	@FastnetRoute("kv.delete")
	CompletableFuture<KeyValueHandlers.Entry> delete(KeyValueHandlers.Key key);

	@FastnetRoute(value = "echo", timeoutMillis = 2000)
	String echo(String text);

}
