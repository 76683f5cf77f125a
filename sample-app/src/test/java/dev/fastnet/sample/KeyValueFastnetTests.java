package dev.fastnet.sample;

import dev.fastnet.spring.test.FastnetTest;
import dev.fastnet.spring.test.FastnetTestClient;
import dev.fastnet.spring.test.FastnetTestClient.TestReply;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the key-value routes written with {@link FastnetTest}: the handlers alone, the
 * server on an ephemeral loopback port and a test client, in a few lines.
 */
@FastnetTest
class KeyValueFastnetTests {

	@Autowired
	private FastnetTestClient client;

	@Test
	void storedEntryIsReadBack() {
		TestReply put = this.client.callWith("kv.put", new KeyValueHandlers.Entry("fruit", "apple"));
		assertThat(put.isOk()).isTrue();
		TestReply get = this.client.call("kv.get", "{\"key\":\"fruit\"}");
		assertThat(get.payloadAs(KeyValueHandlers.Entry.class)).isEqualTo(new KeyValueHandlers.Entry("fruit", "apple"));
	}

	@Test
	void missingKeyIsAnswered1404() {
		TestReply missing = this.client.call("kv.get", "{\"key\":\"nothing-here\"}");
		assertThat(missing.isOk()).isFalse();
		assertThat(missing.status()).isEqualTo(1404);
		assertThat(missing.message()).isEqualTo("No such key: nothing-here");
	}

}
