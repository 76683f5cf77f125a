package dev.fastnet.spring.metrics;

import java.util.Map;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Makes every fastnet server request a Micrometer {@link Observation}: timed by the registry's
 * meter handler as {@code fastnet.server.requests}, and traced when Micrometer Tracing is
 * present, continuing the caller's trace from the {@code traceparent} header. The handler runs
 * inside the observation's scope.
 *
 * @since 0.1.0
 */
public class ObservationFastnetMetricsRecorder implements FastnetMetricsRecorder {

	private final ObservationRegistry registry;

	private final FastnetServerObservationConvention convention;

	private final FastnetMetricsRecorder clientRecorder;

	/**
	 * Create a recorder.
	 * @param registry the observation registry
	 * @param convention the server observation convention
	 * @param clientRecorder where client measurements go
	 */
	public ObservationFastnetMetricsRecorder(ObservationRegistry registry,
			FastnetServerObservationConvention convention, FastnetMetricsRecorder clientRecorder) {
		this.registry = registry;
		this.convention = convention;
		this.clientRecorder = clientRecorder;
	}

	@Override
	public @Nullable Object serverRequestStarted(String route, Map<String, String> headers) {
		FastnetServerObservationContext context = new FastnetServerObservationContext(route, headers);
		return Observation.createNotStarted(this.convention, () -> context, this.registry).start();
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
	public void clientRequest(String route, int status, long durationNanos) {
		this.clientRecorder.clientRequest(route, status, durationNanos);
	}

}
