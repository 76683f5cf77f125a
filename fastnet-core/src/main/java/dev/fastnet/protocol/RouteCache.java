package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the routes a connection has sent so that decoding a known route allocates nothing.
 * A small direct-mapped table: a collision simply replaces the older entry. One per decoder,
 * touched only by its event loop.
 */
final class RouteCache {

	private static final int SIZE = 64;

	private final byte[][] bytes = new byte[SIZE][];

	private final String[] strings = new String[SIZE];

	/**
	 * Return the route at the given position.
	 * @return the route, or {@code null} when the bytes are not valid UTF-8
	 */
	@Nullable String get(ByteBuf in, int index, int length) {
		int hash = 1;
		for (int i = 0; i < length; i++) {
			hash = 31 * hash + in.getByte(index + i);
		}
		int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
		byte[] cached = this.bytes[slot];
		if (cached != null && cached.length == length && matches(in, index, cached)) {
			return this.strings[slot];
		}
		if (!ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
			return null;
		}
		byte[] copy = new byte[length];
		in.getBytes(index, copy);
		String route = new String(copy, StandardCharsets.UTF_8);
		this.bytes[slot] = copy;
		this.strings[slot] = route;
		return route;
	}

	private static boolean matches(ByteBuf in, int index, byte[] cached) {
		for (int i = 0; i < cached.length; i++) {
			if (in.getByte(index + i) != cached[i]) {
				return false;
			}
		}
		return true;
	}

}
