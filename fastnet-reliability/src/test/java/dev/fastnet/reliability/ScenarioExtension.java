package dev.fastnet.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies {@link ScenarioFigures} to {@link Scenario} methods and appends one JSON line
 * per scenario, passed or failed, to the results file
 * ({@code fastnet.reliability.results}, by default
 * {@code target/reliability/results.jsonl}).
 */
final class ScenarioExtension implements ParameterResolver, AfterEachCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(ScenarioExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == ScenarioFigures.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return figures(context);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		Scenario scenario = context.getRequiredTestMethod().getAnnotation(Scenario.class);
		if (scenario == null) {
			return;
		}
		StringBuilder line = new StringBuilder(256).append('{');
		field(line, "scenario", scenario.id()).append(',');
		field(line, "tier", scenario.tier()).append(',');
		field(line, "promise", scenario.promise()).append(',');
		field(line, "test",
				context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName())
			.append(',');
		field(line, "passed", context.getExecutionException().isEmpty()).append(",\"figures\":{");
		boolean first = true;
		for (Map.Entry<String, Object> figure : figures(context).asMap().entrySet()) {
			if (!first) {
				line.append(',');
			}
			field(line, figure.getKey(), figure.getValue());
			first = false;
		}
		line.append("}}\n");
		write(line.toString());
	}

	private static ScenarioFigures figures(ExtensionContext context) {
		return context.getStore(NAMESPACE)
			.computeIfAbsent("figures", key -> new ScenarioFigures(), ScenarioFigures.class);
	}

	private static void write(String line) {
		Path file = Path.of(System.getProperty("fastnet.reliability.results", "target/reliability/results.jsonl"));
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write scenario results to " + file, ex);
		}
	}

	private static StringBuilder field(StringBuilder line, String name, Object value) {
		quote(line, name).append(':');
		if (value instanceof Number || value instanceof Boolean) {
			return line.append(value);
		}
		return quote(line, String.valueOf(value));
	}

	private static StringBuilder quote(StringBuilder line, String text) {
		line.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> line.append("\\\"");
				case '\\' -> line.append("\\\\");
				case '\n' -> line.append("\\n");
				default -> {
					if (c < 0x20) {
						line.append(String.format("\\u%04x", (int) c));
					}
					else {
						line.append(c);
					}
				}
			}
		}
		return line.append('"');
	}

}
