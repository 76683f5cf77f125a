package demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fastnet.FastnetException;
import dev.fastnet.spring.handler.MessageHandler;

import org.springframework.stereotype.Component;

// As in the README's quick start
@Component
@MessageHandler("kv")
class KeyValueHandlers {

	private final Map<String, String> store = new ConcurrentHashMap<>();

	@MessageHandler("put")
	Entry put(Entry entry) {
		this.store.put(entry.key(), entry.value());
		return entry;
	}

	@MessageHandler("get")
	Entry get(Key key) {
		String value = this.store.get(key.key());
		if (value == null) {
			throw new FastnetException(1404, "No such key: " + key.key());
		}
		return new Entry(key.key(), value);
	}

	record Entry(String key, String value) {
	}

	record Key(String key) {
	}

}
