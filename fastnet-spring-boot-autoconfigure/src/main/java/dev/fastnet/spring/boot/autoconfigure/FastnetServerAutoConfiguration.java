package dev.fastnet.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.session.SessionListener;
import dev.fastnet.spring.context.FastnetServerLifecycle;
import dev.fastnet.spring.handler.MessageHandlerRegistry;
import dev.fastnet.transport.TlsConfig;
import org.jspecify.annotations.Nullable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of a fastnet server whose routes are the application's
 * {@link dev.fastnet.spring.handler.MessageHandler @MessageHandler} methods.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { FastnetJsonAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass(FastnetServer.class)
@ConditionalOnBooleanProperty(name = "fastnet.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FastnetProperties.class)
public final class FastnetServerAutoConfiguration {

	private static final Log logger = LogFactory.getLog(FastnetServerAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	static MessageHandlerRegistry fastnetMessageHandlerRegistry() {
		return new MessageHandlerRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	FastnetServer fastnetServer(FastnetProperties properties, MessageHandlerRegistry registry,
			ObjectProvider<SessionListener> listeners, ObjectProvider<FastnetMetricsRecorder> recorder,
			ObjectProvider<FastnetServerCustomizer> customizers, ObjectProvider<SslBundles> sslBundles) {
		AtomicReference<@Nullable FastnetServer> built = new AtomicReference<>();
		// A reloaded bundle serves new connections; open ones keep the certificate they
		// had
		TlsConfig tls = FastnetSslBundles.tls("fastnet.server.ssl.bundle", properties.getServer().getSsl(), true,
				sslBundles, (updated) -> {
					FastnetServer server = built.get();
					if (server != null && server.tls().isPresent()) {
						server.updateTls(updated);
					}
				});
		FastnetServer.Builder builder = FastnetServer
			.builder(properties.getServer().toConfig().toBuilder().tls(tls).build())
			.routes(registry::routes);
		properties.getServer().toListenerConfigs().forEach(builder::listener);
		listeners.orderedStream().forEach(builder::sessionListener);
		recorder.ifAvailable(builder::metricsRecorder);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		FastnetServer server = builder.build();
		built.set(server);
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	FastnetServerLifecycle fastnetServerLifecycle(FastnetServer server, ApplicationContext context,
			FastnetProperties properties) {
		// Spring stops waiting for a lifecycle phase after this; draining longer would be
		// cut short
		Duration phaseTimeout = Binder.get(context.getEnvironment())
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		// and closing connections and threads after the grace takes a few seconds more
		Duration margin = Duration.ofSeconds(Math.min(5, phaseTimeout.toSeconds() / 2));
		Duration limit = phaseTimeout.minus(margin);
		Duration grace = properties.getServer().getShutdownGrace();
		if (grace.compareTo(limit) > 0) {
			String message = "fastnet.server.shutdown-grace " + FastnetProperties.print(grace) + " is cut to "
					+ FastnetProperties.print(limit) + ": spring.lifecycle.timeout-per-shutdown-phase is "
					+ FastnetProperties.print(phaseTimeout) + " and closing the server takes up to "
					+ FastnetProperties.print(margin) + " more; raise the phase timeout to keep the grace";
			// The defaults (30s and 30s) always cut it: only a grace the user asked for
			// is a warning
			if (context.getEnvironment().containsProperty("fastnet.server.shutdown-grace")) {
				logger.warn(message);
			}
			else {
				logger.info(message);
			}
			grace = limit;
		}
		return new FastnetServerLifecycle(server, context, grace);
	}

	@Bean
	static LazyInitializationExcludeFilter fastnetMessageHandlerLazyInitializationExcludeFilter() {
		// Handler beans must exist when the server starts: its routes are fixed then
		return (beanName, definition, beanType) -> MessageHandlerRegistry.hasHandlerMethods(beanType);
	}

}
