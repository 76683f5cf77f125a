import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the scenario results of a test run ({@code target/reliability/results.jsonl}, one JSON
 * line per scenario) into a Markdown table, {@code target/reliability/results.md}, with a row for
 * every scenario of the reliability plan in the plan's order, and with {@code --readme} puts the
 * table into the README between its reliability markers. Prints {@code N passed, N failed} last
 * and exits 1 when a scenario failed. Runs on a bare JDK: {@code java ReliabilityReport.java
 * <module directory> [--readme]}.
 */
public class ReliabilityReport {

	/** The plan's scenarios, in its order. */
	private static final String[][] PLAN = { { "S01", "Oversized length field" }, { "S02", "Malformed headers" },
			{ "S03", "10k garbage frames and coverage fuzzing" }, { "S04", "Split-read round trip" },
			{ "S05", "Slowloris: partial frames" }, { "S06", "Connection flood beyond maxConnections" },
			{ "S07", "PING flood" }, { "S08", "TLS: wrong certificate, no certificate, plaintext to TLS port" },
			{ "S09", "Handler throws" }, { "S10", "Handler hangs" },
			{ "S11", "Expired before dispatch (deadline propagation)" }, { "S12", "Worker queue full" },
			{ "S13", "Slow consumer and backpressure" }, { "S14", "Port already in use" },
			{ "S15", "Client vanishes mid-request" }, { "S16", "Server dies mid-request" },
			{ "S17", "Server restart with client auto-reconnect" }, { "S18", "Dead idle pooled connections" },
			{ "S19", "Half-open connection (silent partition)" },
			{ "S20", "Client pool exhausted: acquire timeout and pending limit" },
			{ "S21", "Late and unknown response ids" }, { "S22", "Graceful shutdown with 1,000 requests in flight" },
			{ "S23", "Buffer leak check under load" }, { "S24", "Correlation under concurrency" } };

	private static final String START = "<!-- reliability:start -->";

	private static final String END = "<!-- reliability:end -->";

	private static final Pattern SCENARIO = Pattern
		.compile("@Scenario\\(([\\s\\S]*?)\\)\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*(?:public\\s+|protected\\s+)?void");

	private static final Pattern ATTRIBUTE = Pattern.compile("(id|tier)\\s*=\\s*\"(\\w+)\"");

	public static void main(String[] args) throws IOException {
		Path module = Path.of(args.length > 0 ? args[0] : ".");
		boolean readme = List.of(args).contains("--readme");
		Path results = module.resolve("target/reliability/results.jsonl");
		if (!Files.exists(results)) {
			System.err.println("No scenario results at " + results + ": run the tests first");
			System.exit(2);
		}
		// The last line of each test wins: results accumulate over runs until a clean
		Map<String, Map<String, Object>> latest = new LinkedHashMap<>();
		for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				@SuppressWarnings("unchecked")
				Map<String, Object> result = (Map<String, Object>) new Json(line).value();
				latest.put(result.get("scenario") + " " + result.get("tier") + " " + result.get("test"), result);
			}
		}
		Map<String, String> written = writtenScenarios(module.resolve("src/test/java"));
		StringBuilder table = new StringBuilder(
				"| Scenario | Promise | Figures | Test | Result |\n|---|---|---|---|---|\n");
		int passed = 0;
		int failed = 0;
		int withoutResult = 0;
		for (String[] scenario : PLAN) {
			String id = scenario[0];
			Map<String, List<Map<String, Object>>> byTier = new TreeMap<>();
			for (Map<String, Object> result : latest.values()) {
				if (id.equals(result.get("scenario"))) {
					byTier.computeIfAbsent(String.valueOf(result.get("tier")), (tier) -> new ArrayList<>()).add(result);
				}
			}
			withoutResult += byTier.isEmpty() ? 1 : 0;
			for (String tier : List.of("A", "B")) {
				List<Map<String, Object>> rows = byTier.getOrDefault(tier, List.of());
				for (Map<String, Object> result : rows) {
					boolean ok = Boolean.TRUE.equals(result.get("passed"));
					passed += ok ? 1 : 0;
					failed += ok ? 0 : 1;
					row(table, title(scenario, tier), String.valueOf(result.get("promise")),
							figures(result.get("figures")), "`" + result.get("test") + "`",
							ok ? "passed" : "**FAILED**");
				}
				if (rows.isEmpty() && written.containsKey(id + " " + tier)) {
					row(table, title(scenario, tier), "", "", "`" + written.get(id + " " + tier) + "`",
							tier.equals("B") ? "not run (tier B: `-Preliability-long`)" : "not run");
				}
				else if (rows.isEmpty() && tier.equals("A") && !byTier.containsKey("B")
						&& !written.containsKey(id + " B")) {
					row(table, title(scenario, tier), "", "", "", "not written yet");
				}
			}
		}
		String summary = passed + " passed, " + failed + " failed";
		Path markdown = module.resolve("target/reliability/results.md");
		Files.writeString(markdown, table, StandardCharsets.UTF_8);
		System.out.print(table);
		System.out.println(
				"\nWritten to " + markdown + "; " + withoutResult + " of the plan's 24 scenarios have no result");
		if (readme) {
			Path readmeFile = module.toAbsolutePath().getParent().resolve("README.md");
			String text = Files.readString(readmeFile, StandardCharsets.UTF_8);
			int start = text.indexOf(START);
			int end = text.indexOf(END);
			if (start < 0 || end < start) {
				System.err.println(readmeFile + " has no " + START + " ... " + END + " section");
				System.exit(2);
			}
			String block = START + "\nRun on " + LocalDate.now(ZoneOffset.UTC) + ": " + summary + "; "
					+ withoutResult + " of the plan's 24 scenarios without a result in this run.\n\n" + table + END;
			Files.writeString(readmeFile, text.substring(0, start) + block + text.substring(end + END.length()),
					StandardCharsets.UTF_8);
			System.out.println("Table put into " + readmeFile);
		}
		System.out.println(summary);
		System.exit((failed > 0) ? 1 : 0);
	}

	private static String title(String[] scenario, String tier) {
		return scenario[0] + " " + scenario[1] + (tier.equals("B") ? " (tier B)" : "");
	}

	private static void row(StringBuilder table, String... cells) {
		table.append('|');
		for (String cell : cells) {
			table.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
		}
		table.append('\n');
	}

	private static String figures(Object figures) {
		StringBuilder text = new StringBuilder();
		if (figures instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> figure : map.entrySet()) {
				text.append((text.length() > 0) ? ", " : "")
					.append(figure.getKey())
					.append(' ')
					.append(figure.getValue());
			}
		}
		return text.toString();
	}

	/**
	 * Return the scenarios the test sources hold, as "id tier" to the test method's class and
	 * name, so that a scenario without a result can be told apart from one not written yet.
	 */
	private static Map<String, String> writtenScenarios(Path sources) throws IOException {
		Map<String, String> written = new LinkedHashMap<>();
		if (!Files.isDirectory(sources)) {
			return written;
		}
		List<Path> files;
		try (Stream<Path> walk = Files.walk(sources)) {
			files = walk.filter((file) -> file.toString().endsWith(".java")).toList();
		}
		Pattern method = Pattern.compile("\\G\\s*(\\w+)\\s*\\(");
		for (Path file : files) {
			String source = Files.readString(file, StandardCharsets.UTF_8);
			Matcher scenario = SCENARIO.matcher(source);
			while (scenario.find()) {
				String id = null;
				String tier = "A";
				Matcher attribute = ATTRIBUTE.matcher(scenario.group(1));
				while (attribute.find()) {
					if (attribute.group(1).equals("id")) {
						id = (id != null) ? id : attribute.group(2);
					}
					else {
						tier = attribute.group(2);
					}
				}
				Matcher name = method.matcher(source);
				String test = name.find(scenario.end()) ? name.group(1) : "?";
				String className = file.getFileName().toString().replace(".java", "");
				if (id != null) {
					written.put(id + " " + tier, className + "." + test);
				}
			}
		}
		return written;
	}

	/**
	 * Just enough JSON for the results lines: objects, strings, numbers, booleans and null.
	 */
	private static final class Json {

		private final String text;

		private int index;

		Json(String text) {
			this.text = text;
		}

		Object value() {
			skipSpace();
			char c = this.text.charAt(this.index);
			if (c == '{') {
				return object();
			}
			if (c == '"') {
				return string();
			}
			int start = this.index;
			while (this.index < this.text.length() && ",}] \t".indexOf(this.text.charAt(this.index)) < 0) {
				this.index++;
			}
			String word = this.text.substring(start, this.index);
			return switch (word) {
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				case "null" -> null;
				default -> word;
			};
		}

		private Map<String, Object> object() {
			Map<String, Object> object = new LinkedHashMap<>();
			this.index++;
			skipSpace();
			if (this.text.charAt(this.index) == '}') {
				this.index++;
				return object;
			}
			while (true) {
				skipSpace();
				String key = string();
				skipSpace();
				this.index++;
				object.put(key, value());
				skipSpace();
				if (this.text.charAt(this.index++) == '}') {
					return object;
				}
			}
		}

		private String string() {
			StringBuilder value = new StringBuilder();
			this.index++;
			while (true) {
				char c = this.text.charAt(this.index++);
				if (c == '"') {
					return value.toString();
				}
				if (c != '\\') {
					value.append(c);
					continue;
				}
				char escaped = this.text.charAt(this.index++);
				switch (escaped) {
					case 'n' -> value.append('\n');
					case 't' -> value.append('\t');
					case 'r' -> value.append('\r');
					case 'b' -> value.append('\b');
					case 'f' -> value.append('\f');
					case 'u' -> {
						value.append((char) Integer.parseInt(this.text.substring(this.index, this.index + 4), 16));
						this.index += 4;
					}
					default -> value.append(escaped);
				}
			}
		}

		private void skipSpace() {
			while (this.index < this.text.length() && Character.isWhitespace(this.text.charAt(this.index))) {
				this.index++;
			}
		}

	}

}
