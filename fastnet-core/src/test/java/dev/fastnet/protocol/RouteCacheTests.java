package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RouteCache}.
 */
class RouteCacheTests {

	private final RouteCache cache = new RouteCache("user.get"::equals);

	@Test
	void acceptedRouteIsDecodedOnceAndThenServedFromTheCache() {
		String first = get("user.get");
		assertThat(first).isEqualTo("user.get");
		assertThat(get("user.get")).isSameAs(first);
	}

	@Test
	void routeNotAcceptedIsDecodedEveryTimeAndNeverCached() {
		String first = get("made.up");
		assertThat(first).isEqualTo("made.up");
		assertThat(get("made.up")).isEqualTo("made.up").isNotSameAs(first);
	}

	@Test
	void routesNotAcceptedDoNotEvictAnAcceptedOne() {
		String known = get("user.get");
		for (int i = 0; i < 10_000; i++) {
			get("made.up." + i);
		}
		assertThat(get("user.get")).isSameAs(known);
	}

	@Test
	void invalidUtf8IsNull() {
		ByteBuf in = Unpooled.wrappedBuffer(new byte[] { 'a', (byte) 0xFF });
		assertThat(this.cache.get(in, 0, 2)).isNull();
		in.release();
	}

	private String get(String route) {
		ByteBuf in = Unpooled.copiedBuffer("xx" + route, StandardCharsets.UTF_8);
		try {
			return this.cache.get(in, 2, in.readableBytes() - 2);
		}
		finally {
			in.release();
		}
	}

}
