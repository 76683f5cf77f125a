package dev.fastnet.spring.boot.autoconfigure.metrics;

import java.util.Map;
import java.util.function.Supplier;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.spring.boot.autoconfigure.FastnetClientAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.FastnetClientCustomizer;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.spring.metrics.FastnetClientMeterBinder;
import dev.fastnet.spring.metrics.FastnetClientObservationConvention;
import dev.fastnet.spring.metrics.FastnetServerMeterBinder;
import dev.fastnet.spring.metrics.FastnetServerObservationConvention;
import dev.fastnet.spring.metrics.ObservationFastnetMetricsRecorder;
import dev.fastnet.spring.metrics.MicrometerFastnetMetricsRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

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
@AutoConfiguration(after = { FastnetServerAutoConfiguration.class, FastnetClientAutoConfiguration.class },
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ FastnetServer.class, MeterRegistry.class })
@ConditionalOnBean(MeterRegistry.class)
public final class FastnetMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FastnetMetricsRecorder fastnetMetricsRecorder(ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<FastnetServerObservationConvention> serverConvention,
			ObjectProvider<FastnetClientObservationConvention> clientConvention) {
		// Resolved lazily: the server is built before every registry customizer has run
		return new LazyRecorder(
				() -> recorder("default", meterRegistry, observationRegistry, serverConvention, clientConvention));
	}

	@Bean
	FastnetClientCustomizer fastnetClientMetricsCustomizer(ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<FastnetServerObservationConvention> serverConvention,
			ObjectProvider<FastnetClientObservationConvention> clientConvention) {
		return (name, builder) -> builder.metricsRecorder(new LazyRecorder(
				() -> recorder(name, meterRegistry, observationRegistry, serverConvention, clientConvention)));
	}

	private static FastnetMetricsRecorder recorder(String clientName, ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<FastnetServerObservationConvention> serverConvention,
			ObjectProvider<FastnetClientObservationConvention> clientConvention) {
		ObservationRegistry observations = observationRegistry.getIfAvailable();
		if (observations == null || observations.isNoop()) {
			return new MicrometerFastnetMetricsRecorder(meterRegistry.getObject(), clientName);
		}
		return new ObservationFastnetMetricsRecorder(observations,
				serverConvention.getIfAvailable(FastnetServerObservationConvention::new),
				clientConvention.getIfAvailable(FastnetClientObservationConvention::new), clientName);
	}

	@Bean
	@ConditionalOnBean(FastnetServer.class)
	@ConditionalOnMissingBean
	FastnetServerMeterBinder fastnetServerMeterBinder(FastnetServer server) {
		return new FastnetServerMeterBinder(server);
	}

	@Bean
	@ConditionalOnBean(FastnetClient.class)
	MeterBinder fastnetClientMeterBinder(ObjectProvider<FastnetClient> clients) {
		return (registry) -> clients.orderedStream()
			.forEach((client) -> new FastnetClientMeterBinder(client).bindTo(registry));
	}

	static final class LazyRecorder implements FastnetMetricsRecorder {

		private final Supplier<FastnetMetricsRecorder> factory;

		private volatile @Nullable FastnetMetricsRecorder delegate;

		LazyRecorder(Supplier<FastnetMetricsRecorder> factory) {
			this.factory = factory;
		}

		private FastnetMetricsRecorder delegate() {
			FastnetMetricsRecorder delegate = this.delegate;
			if (delegate == null) {
				synchronized (this) {
					delegate = this.delegate;
					if (delegate == null) {
						delegate = this.factory.get();
						this.delegate = delegate;
					}
				}
			}
			return delegate;
		}

		@Override
		public @Nullable Object serverRequestStarted(String route, Map<String, String> headers) {
			return delegate().serverRequestStarted(route, headers);
		}

		@Override
		public Scope serverHandlerScope(@Nullable Object request) {
			return delegate().serverHandlerScope(request);
		}

		@Override
		public void serverRequest(@Nullable Object request, String route, int status, long durationNanos) {
			delegate().serverRequest(request, route, status, durationNanos);
		}

		@Override
		public void serverRequest(String route, int status, long durationNanos) {
			delegate().serverRequest(route, status, durationNanos);
		}

		@Override
		public @Nullable Object clientRequestStarted(String route, Map<String, String> headers) {
			return delegate().clientRequestStarted(route, headers);
		}

		@Override
		public void clientRequest(@Nullable Object request, String route, int status, long durationNanos) {
			delegate().clientRequest(request, route, status, durationNanos);
		}

		@Override
		public void clientRequest(String route, int status, long durationNanos) {
			delegate().clientRequest(route, status, durationNanos);
		}

	}

}
