package dev.fastnet.spring.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTraceContext;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for tracing through {@link ObservationFastnetMetricsRecorder}: a
 * client call and the server handler it reaches share one trace, carried in the
 * {@code traceparent} header.
 */
class TracingIntegrationTests {

	private final SimpleTracer tracer = new SimpleTracer();

	private final ObservationRegistry registry = ObservationRegistry.create();

	TracingIntegrationTests() {
		Propagator propagator = new TraceparentPropagator(this.tracer);
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	@Test
	void clientCallAndServerHandlerShareOneTrace() {
		AtomicReference<String> handlerTrace = new AtomicReference<>();
		AtomicReference<String> traceparent = new AtomicReference<>();
		ObservationFastnetMetricsRecorder serverRecorder = recorder("server");
		try (FastnetServer server = FastnetServer
			.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
			.routes(Routes.builder().route("traced", (request) -> {
				traceparent.set(request.header("traceparent"));
				Span current = this.tracer.currentSpan();
				handlerTrace.set((current != null) ? current.context().traceId() : "no span");
				return "ok";
			}).build())
			.metricsRecorder(serverRecorder)
			.build()
			.start();
				FastnetClient client = FastnetClient
					.builder(ClientConfig.builder().endpoint("127.0.0.1", server.port()).ioThreads(1).build())
					.metricsRecorder(recorder("orders"))
					.build()) {
			Observation parent = Observation.start("test.operation", this.registry);
			String parentTrace;
			try {
				parentTrace = parent.scopedChecked(() -> {
					String trace = this.tracer.currentSpan().context().traceId();
					assertThat(client.request("traced", new byte[0])
						.get(5, java.util.concurrent.TimeUnit.SECONDS)
						.payloadString()).isEqualTo("ok");
					return trace;
				});
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				parent.stop();
			}
			assertThat(traceparent.get()).startsWith("00-" + parentTrace + "-");
			assertThat(handlerTrace.get()).isEqualTo(parentTrace);
			List<SimpleSpan> spans = List.copyOf(this.tracer.getSpans());
			assertThat(spans).extracting(SimpleSpan::getName).contains("fastnet traced", "test.operation");
			assertThat(spans).allSatisfy((span) -> assertThat(span.getTraceId()).isEqualTo(parentTrace));
		}
	}

	private ObservationFastnetMetricsRecorder recorder(String clientName) {
		return new ObservationFastnetMetricsRecorder(this.registry, new FastnetServerObservationConvention(),
				new FastnetClientObservationConvention(), clientName);
	}

	/**
	 * W3C {@code traceparent} propagation for the in-memory test tracer.
	 */
	static final class TraceparentPropagator implements Propagator {

		private final SimpleTracer tracer;

		TraceparentPropagator(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public List<String> fields() {
			return List.of("traceparent");
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String value = getter.get(carrier, "traceparent");
			if (value == null) {
				return this.tracer.spanBuilder();
			}
			String[] parts = value.split("-");
			SimpleTraceContext parent = new SimpleTraceContext();
			parent.setTraceId(parts[1]);
			parent.setSpanId(parts[2]);
			parent.setSampled(true);
			return this.tracer.spanBuilder().setParent(parent);
		}

	}

}
