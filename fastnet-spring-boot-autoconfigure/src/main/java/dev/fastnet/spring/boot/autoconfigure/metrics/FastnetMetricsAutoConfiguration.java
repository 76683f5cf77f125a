package dev.fastnet.spring.boot.autoconfigure.metrics;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.spring.metrics.FastnetServerMeterBinder;
import dev.fastnet.spring.metrics.MicrometerFastnetMetricsRecorder;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Micrometer metrics for fastnet.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = FastnetServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ FastnetServer.class, MeterRegistry.class })
@ConditionalOnBean(MeterRegistry.class)
public final class FastnetMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FastnetMetricsRecorder fastnetMetricsRecorder(ObjectProvider<MeterRegistry> registry) {
		// Resolved lazily: the server is built before every registry customizer has run
		return new LazyRecorder(registry);
	}

	@Bean
	@ConditionalOnBean(FastnetServer.class)
	@ConditionalOnMissingBean
	FastnetServerMeterBinder fastnetServerMeterBinder(FastnetServer server) {
		return new FastnetServerMeterBinder(server);
	}

	static final class LazyRecorder implements FastnetMetricsRecorder {

		private final ObjectProvider<MeterRegistry> registry;

		private volatile MicrometerFastnetMetricsRecorder delegate;

		LazyRecorder(ObjectProvider<MeterRegistry> registry) {
			this.registry = registry;
		}

		private MicrometerFastnetMetricsRecorder delegate() {
			MicrometerFastnetMetricsRecorder delegate = this.delegate;
			if (delegate == null) {
				delegate = new MicrometerFastnetMetricsRecorder(this.registry.getObject(), "default");
				this.delegate = delegate;
			}
			return delegate;
		}

		@Override
		public void serverRequest(String route, int status, long durationNanos) {
			delegate().serverRequest(route, status, durationNanos);
		}

		@Override
		public void clientRequest(String route, int status, long durationNanos) {
			delegate().clientRequest(route, status, durationNanos);
		}

	}

}
