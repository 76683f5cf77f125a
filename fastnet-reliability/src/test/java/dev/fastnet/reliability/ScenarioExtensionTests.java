package dev.fastnet.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The results line a scenario writes: id, outcome and figures, for a passing and a
 * failing scenario.
 */
class ScenarioExtensionTests {

	/**
	 * Set only while this test runs the sample: a test filter that matches it then skips
	 * it.
	 */
	private static final String SAMPLE = "fastnet.reliability.sample";

	@Test
	void writesOneLinePerScenarioWithOutcomeAndFigures(@TempDir Path dir) throws Exception {
		Path results = dir.resolve("results.jsonl");
		String previous = System.getProperty("fastnet.reliability.results");
		System.setProperty("fastnet.reliability.results", results.toString());
		System.setProperty(SAMPLE, "true");
		try {
			EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(Sample.class))
				.execute()
				.testEvents()
				.assertStatistics(stats -> stats.succeeded(1).failed(1));
		}
		finally {
			System.clearProperty(SAMPLE);
			if (previous == null) {
				System.clearProperty("fastnet.reliability.results");
			}
			else {
				System.setProperty("fastnet.reliability.results", previous);
			}
		}
		List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
		assertThat(lines).hasSize(2);
		assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("{\"scenario\":\"X01\",\"tier\":\"A\"")
			.contains("\"passed\":true", "\"figures\":{\"count\":3,\"note\":\"a \\\"quoted\\\" word\"}"));
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"scenario\":\"X02\"", "\"passed\":false"));
	}

	@EnabledIfSystemProperty(named = SAMPLE, matches = "true")
	static class Sample {

		@Scenario(id = "X01", promise = "passes")
		void passes(ScenarioFigures figures) {
			figures.put("count", 3).put("note", "a \"quoted\" word");
		}

		@Scenario(id = "X02", promise = "fails")
		void fails(ScenarioFigures figures) {
			figures.put("count", 1);
			throw new AssertionError("expected");
		}

	}

}
