package dev.fastnet.spring.context;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ServerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Starts a {@link FastnetServer} when the application context is refreshed and stops it
 * gracefully when the context closes, as Boot does for its web servers.
 *
 * @since 0.1.0
 */
public class FastnetServerLifecycle implements SmartLifecycle {

	/**
	 * Phase of the server, as Boot's web server graceful shutdown: it starts before and
	 * stops after the lifecycle beans of the default phase.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	/** Property holding the port the server is bound to. */
	public static final String PORT_PROPERTY = "local.fastnet.port";

	/**
	 * The same port under the name that follows the {@code fastnet.server} properties.
	 */
	public static final String SERVER_PORT_PROPERTY = "local.fastnet.server.port";

	private static final Log logger = LogFactory.getLog(FastnetServerLifecycle.class);

	private final FastnetServer server;

	private final ApplicationContext context;

	private final Duration shutdownGrace;

	/**
	 * Create a lifecycle.
	 * @param server the server
	 * @param context the application context to publish events in
	 * @param shutdownGrace how long requests in flight may take when the context closes
	 */
	public FastnetServerLifecycle(FastnetServer server, ApplicationContext context, Duration shutdownGrace) {
		this.server = server;
		this.context = context;
		this.shutdownGrace = shutdownGrace;
	}

	/**
	 * Return how long requests in flight may take when the context closes.
	 * @return the grace period
	 */
	public Duration getShutdownGrace() {
		return this.shutdownGrace;
	}

	@Override
	public void start() {
		this.server.start();
		int port = this.server.port();
		if (this.context instanceof ConfigurableApplicationContext configurable) {
			Map<String, Object> ports = new LinkedHashMap<>();
			ports.put(PORT_PROPERTY, port);
			ports.put(SERVER_PORT_PROPERTY, port);
			for (ServerListener listener : this.server.listeners()) {
				if (!listener.name().equals(ListenerConfig.DEFAULT_NAME)) {
					ports.put(listenerPortProperty(listener.name()), listener.port());
				}
			}
			setPortProperties(configurable, ports);
		}
		this.context.publishEvent(new FastnetServerStartedEvent(this.server, port));
	}

	/**
	 * Return the property holding the port a listener beside the default one is bound to.
	 * @param name the listener's name
	 * @return {@code local.fastnet.listeners.<name>.port}
	 */
	public static String listenerPortProperty(String name) {
		return "local.fastnet.listeners." + name + ".port";
	}

	private static void setPortProperties(ConfigurableApplicationContext context, Map<String, Object> ports) {
		ConfigurableEnvironment environment = context.getEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		PropertySource<?> source = sources.get("fastnet.ports");
		if (source == null) {
			sources.addFirst(new MapPropertySource("fastnet.ports", ports));
		}
		if (context.getParent() instanceof ConfigurableApplicationContext parent) {
			setPortProperties(parent, ports);
		}
	}

	@Override
	public void stop(Runnable callback) {
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		this.server.shutdownGracefully(this.shutdownGrace).whenComplete((result, ex) -> {
			if (ex != null) {
				logger.warn("fastnet server did not stop cleanly", ex);
			}
			callback.run();
		});
	}

	@Override
	public void stop() {
		this.server.close();
	}

	@Override
	public boolean isRunning() {
		FastnetServer.State state = this.server.state();
		return state == FastnetServer.State.RUNNING || state == FastnetServer.State.DRAINING;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
