package dev.fastnet.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.spring.handler.MessageHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * An in-memory key-value store on the routes {@code kv.put}, {@code kv.get} and
 * {@code kv.delete}. Payloads are JSON; a missing key answers ERROR 1404.
 */
@Component
@MessageHandler("kv")
class KeyValueHandlers {

	/** Application status for a key that is not stored. */
	static final int NO_SUCH_KEY = 1404;

	private final Map<String, String> store = new ConcurrentHashMap<>();

	@MessageHandler(value = "put", execution = Execution.EVENT_LOOP)
	Entry put(Entry entry) {
		requireText(entry.key(), "key");
		requireText(entry.value(), "value");
		this.store.put(entry.key(), entry.value());
		return entry;
	}

	@MessageHandler(value = "get", execution = Execution.EVENT_LOOP)
	Entry get(Key key) {
		requireText(key.key(), "key");
		String value = this.store.get(key.key());
		if (value == null) {
			throw noSuchKey(key.key());
		}
		return new Entry(key.key(), value);
	}

	@MessageHandler(value = "delete", execution = Execution.EVENT_LOOP)
	Entry delete(Key key) {
		requireText(key.key(), "key");
		String value = this.store.remove(key.key());
		if (value == null) {
			throw noSuchKey(key.key());
		}
		return new Entry(key.key(), value);
	}

	private static void requireText(@Nullable String value, String field) {
		if (value == null) {
			throw new FastnetException(Status.BAD_REQUEST, "Field '" + field + "' is required");
		}
	}

	private static FastnetException noSuchKey(String key) {
		return new FastnetException(NO_SUCH_KEY, "No such key: " + key);
	}

	/** A stored entry. */
	record Entry(@Nullable String key, @Nullable String value) {
	}

	/** A request naming a key. */
	record Key(@Nullable String key) {
	}

}
