package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the routes a connection has sent so that decoding a known route allocates
 * nothing. A small direct-mapped table: a collision simply replaces the older entry. Only
 * routes the owner accepts are kept, so a peer sending made-up routes cannot fill it. One
 * per decoder, touched only by its event loop.
 */
final class RouteCache {

	private static final int SIZE = 64;

	private final byte[][] bytes = new byte[SIZE][];

	private final String[] strings = new String[SIZE];

	private final byte[] scratch = new byte[FrameFormat.MAX_ROUTE_LENGTH];

	private final Predicate<String> cacheable;

	RouteCache(Predicate<String> cacheable) {
		this.cacheable = cacheable;
	}

	/**
	 * Return the route at the given position.
	 * @return the route, or {@code null} when the bytes are not valid UTF-8
	 */
	@Nullable String get(ByteBuf in, int index, int length) {
		// One bulk copy, then plain array loops: per-byte ByteBuf reads each check bounds
		// and
		// reference count
		byte[] scratch = this.scratch;
		in.getBytes(index, scratch, 0, length);
		int hash = 1;
		for (int i = 0; i < length; i++) {
			hash = 31 * hash + scratch[i];
		}
		int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
		byte[] cached = this.bytes[slot];
		if (cached != null && Arrays.equals(cached, 0, cached.length, scratch, 0, length)) {
			return this.strings[slot];
		}
		if (!ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
			return null;
		}
		String route = new String(scratch, 0, length, StandardCharsets.UTF_8);
		if (this.cacheable.test(route)) {
			this.bytes[slot] = Arrays.copyOf(scratch, length);
			this.strings[slot] = route;
		}
		return route;
	}

}
