package dev.fastnet.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The end-to-end load benchmark: echo servers against closed-loop clients over loopback,
 * every server and every client a process of its own, systems interleaved within each
 * repeat so that each ratio compares figures measured minutes apart at most.
 * <p>
 * Servers, driven by the minimal Netty client: {@code netty} (the ceiling), fastnet
 * through its Spring Boot starter with the {@code echo} handler on each execution
 * ({@code fastnet-event-loop}, {@code fastnet-platform}, {@code fastnet-virtual}), and
 * {@code netty-pool} (raw Netty handing every request to a thread pool). Clients, against
 * the raw Netty server: {@code minimal} and fastnet's {@code FastnetClient}. Results go
 * to {@code results.jsonl} (every run) and {@code results.md} (medians and same-repeat
 * ratios) in the output directory.
 * <p>
 * Options: {@code --repeats=3 --warmup=3s --duration=5s --payload=1024
 * --loads=16x1,16x16,256x16,1000x1 --client-loads=16x1,16x16,256x16 --client-warmup=10s
 * --systems=netty,fastnet-event-loop,fastnet-platform,fastnet-virtual,netty-pool
 * --client-threads=2 --virtual-java=<java of JDK 21 or later> --server-jvm-args=<comma-separated>
 * --out=target/load}.
 */
public final class LoadBenchmark {

	static final String NETTY = "netty";

	static final String MINIMAL = "minimal";

	private final Map<String, String> options;

	private final String classpath;

	private final String java;

	private final String virtualJava;

	private final Path out;

	private final List<Run> runs = new ArrayList<>();

	private LoadBenchmark(Map<String, String> options) {
		this.options = options;
		this.classpath = System.getProperty("java.class.path");
		this.java = ProcessHandle.current().info().command().orElse("java");
		this.virtualJava = options.getOrDefault("virtual-java", this.java);
		this.out = Path.of(options.getOrDefault("out", "target/load"));
	}

	/**
	 * Run the benchmark.
	 * @param args options as {@code --name=value}
	 * @throws Exception if a run fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Options are --name=value: " + arg);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		// The command as printed names no local path: the JDK for virtual threads is the
		// user's own
		String command = String.join(" ",
				Arrays.stream(args)
					.map((arg) -> arg.startsWith("--virtual-java=") ? "--virtual-java=<java of JDK 21+>" : arg)
					.filter((arg) -> !arg.startsWith("--out="))
					.toArray(String[]::new));
		new LoadBenchmark(options).run(command);
		System.exit(0);
	}

	private void run(String arguments) throws Exception {
		int repeats = Integer.parseInt(this.options.getOrDefault("repeats", "3"));
		List<String> systems = list("systems", "netty,fastnet-event-loop,fastnet-platform,fastnet-virtual,netty-pool");
		List<Load> loads = list("loads", "16x1,16x16,256x16,1000x1").stream().map(Load::parse).toList();
		List<Load> clientLoads = list("client-loads", "16x1,16x16,256x16").stream().map(Load::parse).toList();
		Files.createDirectories(this.out.resolve("logs"));
		String virtualVersion = javaVersion(this.virtualJava);
		System.out.println("Load benchmark: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
				+ Runtime.version() + " (virtual threads on Java " + virtualVersion + "), payload " + payload()
				+ " B, warm-up " + warmup().toMillis() + " ms, measured " + duration().toMillis() + " ms, " + repeats
				+ " repeats; rerun: fastnet-benchmarks/load-benchmark.sh " + arguments);
		long began = System.nanoTime();
		try (PrintWriter jsonl = new PrintWriter(Files.newBufferedWriter(this.out.resolve("results.jsonl")))) {
			for (int repeat = 1; repeat <= repeats; repeat++) {
				// Rotate the order so that no system always runs first or last in a
				// repeat
				List<String> order = new ArrayList<>(loads.isEmpty() ? List.of() : systems);
				Collections.rotate(order, repeat - 1);
				for (String system : order) {
					try (Server server = startServer(system, repeat)) {
						for (Load load : loads) {
							record(jsonl, runClient(repeat, system, MINIMAL, load, server, warmup()));
						}
					}
				}
				if (!clientLoads.isEmpty()) {
					try (Server server = startServer(NETTY, repeat)) {
						for (Load load : clientLoads) {
							List<String> clients = new ArrayList<>(List.of(MINIMAL, "fastnet"));
							Collections.rotate(clients, repeat);
							for (String client : clients) {
								record(jsonl,
										runClient(repeat, "client:" + client, client, load, server, clientWarmup()));
							}
						}
					}
				}
			}
		}
		String summary = summary(systems, loads, clientLoads, repeats, virtualVersion, arguments);
		Files.writeString(this.out.resolve("results.md"), summary);
		System.out.println();
		System.out.println(summary);
		System.out.println("Took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s; results in "
				+ this.out.resolve("results.md") + " and " + this.out.resolve("results.jsonl"));
	}

	private void record(PrintWriter jsonl, Run run) {
		this.runs.add(run);
		StringBuilder json = new StringBuilder("{\"repeat\":").append(run.repeat())
			.append(",\"system\":\"")
			.append(run.system())
			.append("\",\"load\":\"")
			.append(run.load())
			.append('"');
		run.values().forEach((key, value) -> json.append(",\"").append(key).append("\":").append(value));
		jsonl.println(json.append('}'));
		jsonl.flush();
		System.out.printf(Locale.ROOT,
				"repeat %d %-20s %-7s %9.0f req/s  p50 %7.1f us  p99 %8.1f us  "
						+ "server %5.2f us/req  client %5.2f us/req  errors %.0f%n",
				run.repeat(), run.system(), run.load(), run.value("rps"), run.value("p50us"), run.value("p99us"),
				run.value("serverCpuUs"), run.value("clientCpuUs"),
				run.value("errors") + run.value("mismatches") + run.value("lost"));
	}

	private Server startServer(String system, int repeat) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(system.equals("fastnet-virtual") ? this.virtualJava : this.java);
		command.addAll(List.of("-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"));
		command.addAll(list("server-jvm-args", ""));
		command.addAll(List.of("-cp", this.classpath));
		if (system.startsWith("fastnet-")) {
			command.add(dev.fastnet.benchmarks.load.app.EchoApplication.class.getName());
			command.addAll(List.of("--spring.main.web-application-type=none", "--spring.main.banner-mode=off",
					"--fastnet.server.address=127.0.0.1", "--fastnet.server.port=0",
					"--fastnet.server.default-execution=" + system.substring("fastnet-".length()),
					// Room for every request of the largest load, as netty-pool has
					"--fastnet.server.workers.queue-capacity=8192", "--logging.level.root=WARN"));
		}
		else {
			command.addAll(List.of(RawEchoServer.class.getName(), system, "0", Integer.toString(maxOutstanding())));
		}
		Path log = this.out.resolve("logs").resolve(system + "-" + repeat + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<Integer> ready = new CompletableFuture<>();
		Thread pump = new Thread(() -> pump(process, log, ready), "pump-" + system);
		pump.setDaemon(true);
		pump.start();
		try {
			int port = ready.get(60, TimeUnit.SECONDS);
			return new Server(system, process, port);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw new IllegalStateException(system + " did not start; see " + log, ex);
		}
	}

	private static void pump(Process process, Path log, CompletableFuture<Integer> ready) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log))) {
			String line;
			while ((line = reader.readLine()) != null) {
				writer.println(line);
				writer.flush();
				if (line.startsWith("READY ")) {
					ready.complete(Integer.parseInt(line.substring(6).trim()));
				}
			}
		}
		catch (IOException ex) {
			ready.completeExceptionally(ex);
		}
		// Once ready, this does nothing; before, the server died without saying why in
		// its output
		ready.completeExceptionally(new IllegalStateException("The server's output ended"));
	}

	private Run runClient(int repeat, String system, String client, Load load, Server server, Duration warmup)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(this.java, "-Xms1g", "-Xmx1g",
				"-Dio.netty.leakDetection.level=disabled", "-cp", this.classpath, LoadClient.class.getName(),
				"client=" + client, "port=" + server.port(), "connections=" + load.connections(),
				"inFlight=" + load.inFlight(), "payload=" + payload(),
				"threads=" + this.options.getOrDefault("client-threads", "2"), "warmupMillis=" + warmup.toMillis(),
				"durationMillis=" + duration().toMillis(), "serverPid=" + server.process().pid()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(warmup.plus(duration()).toSeconds() + 60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
		String result = output.lines().filter((line) -> line.startsWith("RESULT ")).findFirst().orElse(null);
		if (result == null) {
			throw new IllegalStateException(
					"Client " + client + " against " + system + " at " + load + " failed:\n" + output);
		}
		Map<String, Double> values = new LinkedHashMap<>();
		for (String pair : result.substring(7).split(" ")) {
			values.put(pair.substring(0, pair.indexOf('=')), Double.parseDouble(pair.substring(pair.indexOf('=') + 1)));
		}
		return new Run(repeat, system, load.toString(), values);
	}

	private String summary(List<String> systems, List<Load> loads, List<Load> clientLoads, int repeats,
			String virtualVersion, String arguments) {
		StringBuilder md = new StringBuilder();
		md.append(String.format(Locale.ROOT,
				"Run on %s: %d cores (%s), Java %s (fastnet-virtual on Java %s), %s; payload %d B, %d repeats of "
						+ "%d s warm-up (%d s for the clients' comparison) and %d s measured per run, systems "
						+ "interleaved; medians over repeats, ratios taken within each repeat. Command: "
						+ "`fastnet-benchmarks/load-benchmark.sh%s`%n%n",
				LocalDate.now(), Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.version().feature(),
				virtualVersion, dev.fastnet.transport.Transport.AUTO.resolve().name().toLowerCase(Locale.ROOT),
				payload(), repeats, warmup().toSeconds(), clientWarmup().toSeconds(), duration().toSeconds(),
				arguments.isEmpty() ? "" : " " + arguments));
		if (!loads.isEmpty()) {
			md.append(
					"| load (connections x in flight) | server | requests/s | x raw Netty | p50 us | p99 us | p99.9 us "
							+ "| server CPU us/req | x raw Netty | errors |\n");
			md.append("|---|---|---|---|---|---|---|---|---|---|\n");
			for (Load load : loads) {
				for (String system : systems) {
					Function<Integer, Run> baseline = (repeat) -> find(repeat, NETTY, load.toString());
					md.append(String.format(Locale.ROOT,
							"| %s | %s | %,.0f | %s | %.0f | %.0f | %.0f | %.2f | %s | %.0f |%n", load, system,
							median(system, load, "rps"), ratio(system, load, "rps", baseline),
							median(system, load, "p50us"), median(system, load, "p99us"),
							median(system, load, "p999us"), median(system, load, "serverCpuUs"),
							ratio(system, load, "serverCpuUs", baseline), total(system, load)));
				}
			}
			md.append('\n');
		}
		if (!clientLoads.isEmpty()) {
			md.append("| load (connections x in flight) | client | requests/s | x minimal | p50 us | p99 us "
					+ "| client CPU us/req | x minimal | client alloc B/req | errors |\n");
			md.append("|---|---|---|---|---|---|---|---|---|---|\n");
			for (Load load : clientLoads) {
				for (String client : List.of(MINIMAL, "fastnet")) {
					String system = "client:" + client;
					Function<Integer, Run> baseline = (repeat) -> find(repeat, "client:" + MINIMAL, load.toString());
					md.append(String.format(Locale.ROOT,
							"| %s | %s | %,.0f | %s | %.0f | %.0f | %.2f | %s | %.0f | %.0f |%n", load, client,
							median(system, load, "rps"), ratio(system, load, "rps", baseline),
							median(system, load, "p50us"), median(system, load, "p99us"),
							median(system, load, "clientCpuUs"), ratio(system, load, "clientCpuUs", baseline),
							median(system, load, "clientAllocBytes"), total(system, load)));
				}
			}
		}
		return md.toString();
	}

	private double median(String system, Load load, String key) {
		return median(this.runs.stream()
			.filter((run) -> run.system().equals(system) && run.load().equals(load.toString()))
			.map((run) -> run.value(key))
			.collect(Collectors.toList()));
	}

	private String ratio(String system, Load load, String key, Function<Integer, Run> baseline) {
		List<Double> ratios = new ArrayList<>();
		for (Run run : this.runs) {
			if (run.system().equals(system) && run.load().equals(load.toString())) {
				Run base = baseline.apply(run.repeat());
				if (base != null && base.value(key) > 0) {
					ratios.add(run.value(key) / base.value(key));
				}
			}
		}
		return ratios.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", median(ratios));
	}

	private double total(String system, Load load) {
		return this.runs.stream()
			.filter((run) -> run.system().equals(system) && run.load().equals(load.toString()))
			.mapToDouble((run) -> run.value("errors") + run.value("mismatches") + run.value("lost"))
			.sum();
	}

	private Run find(int repeat, String system, String load) {
		return this.runs.stream()
			.filter((run) -> run.repeat() == repeat && run.system().equals(system) && run.load().equals(load))
			.findFirst()
			.orElse(null);
	}

	private static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private List<String> list(String name, String defaults) {
		String value = this.options.getOrDefault(name, defaults).trim();
		return value.isEmpty() ? List.of() : List.of(value.split(","));
	}

	private int payload() {
		return Integer.parseInt(this.options.getOrDefault("payload", "1024"));
	}

	private Duration warmup() {
		return duration(this.options.getOrDefault("warmup", "3s"));
	}

	/**
	 * Warm-up of the client comparison, longer than the servers': the same raw server,
	 * but a client process whose own code is compiled only while it runs, and fastnet's
	 * client has more of it to compile than the minimal client (about 10 s on 2 cores
	 * before its figures settle).
	 */
	private Duration clientWarmup() {
		return duration(this.options.getOrDefault("client-warmup", "10s"));
	}

	private Duration duration() {
		return duration(this.options.getOrDefault("duration", "5s"));
	}

	private int maxOutstanding() {
		return 8192;
	}

	private static Duration duration(String text) {
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
	}

	private static String javaVersion(String java) {
		try {
			Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			int quote = output.indexOf('"');
			return (quote >= 0) ? output.substring(quote + 1, output.indexOf('"', quote + 1)) : output.trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	record Load(int connections, int inFlight) {

		static Load parse(String text) {
			String[] parts = text.trim().split("x");
			return new Load(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
		}

		@Override
		public String toString() {
			return this.connections + " x " + this.inFlight;
		}

	}

	record Run(int repeat, String system, String load, Map<String, Double> values) {

		double value(String key) {
			return this.values.getOrDefault(key, 0.0);
		}

	}

	record Server(String system, Process process, int port) implements AutoCloseable {

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				// An interrupted run must not leave its server running; the interrupt
				// stays for the caller to see
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

	}

}
