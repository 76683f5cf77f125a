package dev.fastnet.dispatch;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * An immutable table of routes, built once before the server starts.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *     .route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
 *     .route("user.get", (request) -> users.find(request.payloadString()))
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Routes {

	private final Map<String, Route> routes;

	private Routes(Map<String, Route> routes) {
		this.routes = routes;
	}

	/**
	 * Return a builder.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the route with the given name; one map lookup, for the request path.
	 * @param name the route
	 * @return the route or {@code null}
	 */
	public @Nullable Route get(String name) {
		return this.routes.get(name);
	}

	/**
	 * Return the route with the given name.
	 * @param name the route
	 * @return the route, if registered
	 */
	public Optional<Route> find(String name) {
		return Optional.ofNullable(this.routes.get(name));
	}

	/**
	 * Return every route, in registration order.
	 * @return an unmodifiable collection
	 */
	public Collection<Route> all() {
		return this.routes.values();
	}

	/**
	 * Builds {@link Routes}.
	 */
	public static final class Builder {

		private final Map<String, Route> routes = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Add a route that runs where the server's default execution says.
		 * @param name the route
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder route(String name, RequestHandler handler) {
			return route(new Route(name, handler, null));
		}

		/**
		 * Add a route.
		 * @param name the route
		 * @param execution where the handler runs
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder route(String name, Execution execution, RequestHandler handler) {
			return route(new Route(name, handler, execution));
		}

		/**
		 * Add a route.
		 * @param route the route
		 * @return this builder
		 * @throws IllegalStateException when the route's name is already taken
		 */
		public Builder route(Route route) {
			Route existing = this.routes.putIfAbsent(route.name(), route);
			if (existing != null) {
				throw new IllegalStateException(
						"Duplicate route '" + route.name() + "': " + existing.handler() + " and " + route.handler());
			}
			return this;
		}

		/**
		 * Build the table.
		 * @return the routes
		 */
		public Routes build() {
			return new Routes(Collections.unmodifiableMap(new LinkedHashMap<>(this.routes)));
		}

	}

}
