package dev.fastnet.dispatch;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A route with its handler and where the handler runs.
 *
 * @param name the route, as sent in frames
 * @param handler the handler
 * @param execution where the handler runs, or {@code null} for the server's default
 * @since 0.1.0
 */
public record Route(String name, RequestHandler handler, @Nullable Execution execution) {

	/**
	 * Validate the route.
	 */
	public Route {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(handler, "handler");
		if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
			throw new IllegalArgumentException("route must be at most 255 UTF-8 bytes: " + name);
		}
	}

}
