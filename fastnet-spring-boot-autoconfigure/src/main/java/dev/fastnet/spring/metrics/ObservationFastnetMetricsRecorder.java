package dev.fastnet.spring.metrics;

import java.util.Map;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Makes fastnet requests Micrometer {@link Observation}s: timed by the registry's meter
 * handler as {@code fastnet.server.requests} and {@code fastnet.client.requests}, and
 * traced when Micrometer Tracing is present. A client writes its trace context into the
 * request's headers; a server continues it from there and runs the handler inside the
 * observation's scope.
 *
 * @since 0.1.0
 */
public class ObservationFastnetMetricsRecorder implements FastnetMetricsRecorder {

	private final ObservationRegistry registry;

	private final FastnetServerObservationConvention serverConvention;

	private final FastnetClientObservationConvention clientConvention;

	private final String clientName;

	/**
	 * Create a recorder.
	 * @param registry the observation registry
	 * @param serverConvention the server observation convention
	 * @param clientConvention the client observation convention
	 * @param clientName the client's name, for client requests
	 */
	public ObservationFastnetMetricsRecorder(ObservationRegistry registry,
			FastnetServerObservationConvention serverConvention, FastnetClientObservationConvention clientConvention,
			String clientName) {
		this.registry = registry;
		this.serverConvention = serverConvention;
		this.clientConvention = clientConvention;
		this.clientName = clientName;
	}

	@Override
	public @Nullable Object serverRequestStarted(String route, Map<String, String> headers) {
		FastnetServerObservationContext context = new FastnetServerObservationContext(route, headers);
		return Observation.createNotStarted(this.serverConvention, () -> context, this.registry).start();
	}

	@Override
	public Scope serverHandlerScope(@Nullable Object request) {
		if (request instanceof Observation observation && !observation.isNoop()) {
			Observation.Scope scope = observation.openScope();
			return scope::close;
		}
		return Scope.NOOP;
	}

	@Override
	public void serverRequest(@Nullable Object request, String route, int status, long durationNanos) {
		if (request instanceof Observation observation) {
			if (observation.getContext() instanceof FastnetServerObservationContext context) {
				context.setStatus(status);
			}
			observation.stop();
		}
	}

	@Override
	public @Nullable Object clientRequestStarted(String route, Map<String, String> headers) {
		FastnetClientObservationContext context = new FastnetClientObservationContext(this.clientName, route, headers);
		return Observation.createNotStarted(this.clientConvention, () -> context, this.registry).start();
	}

	@Override
	public void clientRequest(@Nullable Object request, String route, int status, long durationNanos) {
		if (request instanceof Observation observation) {
			if (observation.getContext() instanceof FastnetClientObservationContext context) {
				context.setStatus(status);
			}
			observation.stop();
		}
	}

}
