package dev.fastnet.spring.metrics;

import dev.fastnet.metrics.FastnetMeters;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of fastnet server requests:
 * {@code fastnet.server.requests} with the low-cardinality keys {@code route},
 * {@code status} and {@code outcome}. Declare a bean of this type to change them.
 *
 * @since 0.1.0
 */
public class FastnetServerObservationConvention implements ObservationConvention<FastnetServerObservationContext> {

	@Override
	public String getName() {
		return FastnetMeters.SERVER_REQUESTS;
	}

	@Override
	public String getContextualName(FastnetServerObservationContext context) {
		return "fastnet " + context.getRoute();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(FastnetServerObservationContext context) {
		int status = context.getStatus();
		boolean finished = status != FastnetServerObservationContext.UNFINISHED;
		return KeyValues.of(FastnetMeters.TAG_ROUTE, context.getRoute(), FastnetMeters.TAG_STATUS,
				finished ? FastnetMeters.statusTag(status) : "UNKNOWN", FastnetMeters.TAG_OUTCOME,
				finished ? FastnetMeters.outcomeTag(status) : "UNKNOWN");
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof FastnetServerObservationContext;
	}

}
