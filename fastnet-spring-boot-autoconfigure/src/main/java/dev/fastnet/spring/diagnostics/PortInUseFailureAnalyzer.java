package dev.fastnet.spring.diagnostics;

import dev.fastnet.server.PortInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a fastnet server that could not start because its port was taken.
 *
 * @since 0.1.0
 */
class PortInUseFailureAnalyzer extends AbstractFailureAnalyzer<PortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PortInUseException cause) {
		return new FailureAnalysis("fastnet server failed to start. Port " + cause.port() + " was already in use.",
				"Identify and stop the process that's listening on port " + cause.port() + " or configure this "
						+ "application to listen on another port with 'fastnet.server.port'.",
				cause);
	}

}
