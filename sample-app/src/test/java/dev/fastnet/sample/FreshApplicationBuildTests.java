package dev.fastnet.sample;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Builds, tests and runs a new Spring Boot 4.1.2 application written as the README's
 * quick start says, with Netty's native epoll jar, against the fastnet jars of this
 * build, in a Maven of its own. Its local repository is a new folder that sees the
 * build's own repository as its only remote, so nothing is downloaded and nothing of the
 * build's repository is changed. The application's own {@code @FastnetTest} tests must
 * pass in that Maven; then the application is started in a JVM of its own and called over
 * fastnet and on every actuator URL the README lists.
 */
class FreshApplicationBuildTests {

	private static final String VERSION = "0.1.0-SNAPSHOT";

	private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

	private static final List<String> MODULES = List.of("fastnet-core", "fastnet-spring-boot-autoconfigure",
			"fastnet-spring-boot-starter", "fastnet-spring-boot-test");

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern HTTP_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern FASTNET_STARTED = Pattern.compile("fastnet server started on \\S+:(\\d+) \\((\\w+)");

	private static final String ENTRY = "{\"key\":\"color\",\"value\":\"blue\"}";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void readmeQuickStartBuildsPassesItsFastnetTestsAndServes(@TempDir Path dir) throws Exception {
		String buildRepository = System.getProperty("fastnet.localRepository");
		assumeThat(buildRepository).as("run by Maven, which passes its local repository").isNotBlank();
		for (String module : MODULES) {
			assumeThat(jar(module)).as("packaged by this build").exists();
		}
		Path repository = dir.resolve("repository");
		install(repository, "fastnet-parent", ROOT.resolve("pom.xml"), null);
		for (String module : MODULES) {
			install(repository, module, ROOT.resolve(module).resolve("pom.xml"), jar(module));
		}
		Path app = dir.resolve("app");
		copy(Paths.get("src/test/resources/fresh-app"), app);
		Path settings = dir.resolve("settings.xml");
		Files.writeString(settings, """
				<settings>
					<mirrors>
						<mirror>
							<id>build-repository</id>
							<mirrorOf>*</mirrorOf>
							<url>%s</url>
						</mirror>
					</mirrors>
				</settings>
				""".formatted(Paths.get(buildRepository).toUri()));
		// The runtime class path is written by the dependency plugin, which sample-app's
		// own build runs so that the build's repository holds it
		Path classpath = dir.resolve("classpath.txt");
		String output = run(dir.resolve("build.log"), app, "mvn", "-B", "-ntp", "-s", settings.toString(),
				"-Dmaven.repo.local=" + repository, "test", "dependency:build-classpath",
				"-Dmdep.outputFile=" + classpath, "-DincludeScope=runtime");
		assertThat(app.resolve("target/classes/demo/FreshApplication.class")).exists();
		// The new repository holds exactly what the build resolved, the native jar on the
		// runtime class path among it, where Boot's dependency management puts it
		Path netty = repository.resolve("io/netty");
		assertThat(netty.resolve("netty-transport-native-epoll/4.2.18.Final")
			.resolve("netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar")).exists();
		// Only the 4.2.19 BOM's POM is read (Boot's BOM imports it); no 4.2.19 jar is
		// resolved
		try (Stream<Path> files = Files.walk(netty)) {
			assertThat(files.map((path) -> path.getFileName().toString()))
				.noneMatch((name) -> name.contains("4.2.19") && name.endsWith(".jar"));
		}
		assertFastnetTestsPassed(app.resolve("target/surefire-reports"), output);
		serve(app, Files.readString(classpath, StandardCharsets.UTF_8).trim(), dir.resolve("app.log"));
	}

	/**
	 * The application's tests ran in its own Maven, every one of them, and passed.
	 */
	private static void assertFastnetTestsPassed(Path reports, String output) throws Exception {
		List<Path> files;
		try (Stream<Path> list = Files.list(reports)) {
			files = list.filter((path) -> path.getFileName().toString().matches("TEST-.*\\.xml")).toList();
		}
		assertThat(files).as("Surefire reports; the build's output ends with:%n%s", tail(output))
			.singleElement()
			.satisfies((file) -> assertThat(attributes(file)).as("Surefire report of the @FastnetTest class")
				.containsEntry("name", "demo.KeyValueTests")
				.containsEntry("tests", "3")
				.containsEntry("failures", "0")
				.containsEntry("errors", "0")
				.containsEntry("skipped", "0"));
	}

	private static Map<String, String> attributes(Path report) throws Exception {
		Element suite = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(report.toFile())
			.getDocumentElement();
		NamedNodeMap attributes = suite.getAttributes();
		Map<String, String> map = new HashMap<>();
		for (int i = 0; i < attributes.getLength(); i++) {
			map.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
		}
		return map;
	}

	/**
	 * Starts the application as its users would, with the ports it binds left to the
	 * operating system and read from its log, and calls it over fastnet and HTTP.
	 */
	private void serve(Path app, String classpath, Path log) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
				app.resolve("target/classes") + File.pathSeparator + classpath, "demo.FreshApplication",
				"--server.address=127.0.0.1", "--server.port=0", "--fastnet.server.address=127.0.0.1",
				"--fastnet.server.port=0")
			.directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			String output = awaitStarted(process, log);
			Matcher httpStarted = HTTP_STARTED.matcher(output);
			Matcher fastnetStarted = FASTNET_STARTED.matcher(output);
			assertThat(httpStarted.find() && fastnetStarted.find()).as(output).isTrue();
			int httpPort = Integer.parseInt(httpStarted.group(1));
			int fastnetPort = Integer.parseInt(fastnetStarted.group(1));
			String transport = Epoll.isAvailable() ? "epoll" : "nio";
			assertThat(fastnetStarted.group(2)).as(output).isEqualTo(transport);
			try (FastnetClient client = FastnetClient.create(ClientConfig.builder()
				.name("fresh")
				.endpoint("127.0.0.1", fastnetPort)
				.ioThreads(1)
				.requestTimeout(Duration.ofSeconds(10))
				.build())) {
				assertThat(client.request("kv.put", bytes(ENTRY)).get(10, TimeUnit.SECONDS).payloadString())
					.isEqualTo(ENTRY);
				assertThat(client.request("kv.get", bytes("{\"key\":\"color\"}"))
					.get(10, TimeUnit.SECONDS)
					.payloadString()).isEqualTo(ENTRY);
			}
			String actuator = "http://127.0.0.1:" + httpPort + "/actuator";
			assertAnswers(actuator + "/health", "\"status\":\"UP\"", "\"fastnet\":{");
			assertAnswers(actuator + "/health/fastnet", "\"status\":\"UP\"", "\"port\":" + fastnetPort,
					"\"transport\":\"" + transport + "\"");
			assertAnswers(actuator + "/fastnet", "\"route\":\"kv.get\"", "\"route\":\"kv.put\"",
					"\"port\":" + fastnetPort);
			// A request's timer is recorded once its answer is written, which the client
			// may see first: the metrics get a few seconds to show both
			assertAnswers(actuator + "/metrics/fastnet.server.requests", "\"name\":\"fastnet.server.requests\"",
					"\"kv.get\"", "\"kv.put\"", "{\"statistic\":\"COUNT\",\"value\":2.0}");
			assertAnswers(actuator + "/prometheus", "fastnet_server_requests_seconds_count{", "route=\"kv.get\"",
					"route=\"kv.put\"");
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	/**
	 * Waits on the process itself, so that an application that exits ends the wait at
	 * once; returns its output when it logged that it started.
	 */
	private static String awaitStarted(Process process, Path log) throws Exception {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		String output = Files.readString(log, StandardCharsets.UTF_8);
		while (!output.contains("Started FreshApplication") && System.nanoTime() < deadline
				&& !process.waitFor(200, TimeUnit.MILLISECONDS)) {
			output = Files.readString(log, StandardCharsets.UTF_8);
		}
		output = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(process.isAlive()).as("application running; its output:%n%s", output).isTrue();
		assertThat(output).as("application started within %s", STARTUP_TIMEOUT).contains("Started FreshApplication");
		return output;
	}

	private void assertAnswers(String url, String... fragments) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("%s answered %s", url, response.body()).isEqualTo(200);
			assertThat(response.body()).as(url).contains(fragments);
		});
	}

	/**
	 * Runs a command to its end within the build timeout and asserts that it succeeded.
	 */
	private static String run(Path log, Path directory, String... command) throws Exception {
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		boolean finished = process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!finished) {
			// Maven's forked test JVM first, then Maven
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(finished)
			.as("%s finished within %s; its output ends with:%n%s", command[0], BUILD_TIMEOUT, tail(output))
			.isTrue();
		assertThat(process.exitValue()).as("%s exit value; its output ends with:%n%s", command[0], tail(output))
			.isZero();
		return output;
	}

	/**
	 * The end of a log, where a failure is reported: a whole Maven log here holds
	 * thousands of lines of checksum warnings, a few for each artifact read from the
	 * build's repository.
	 */
	private static String tail(String output) {
		List<String> lines = output.lines().toList();
		return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 200), lines.size()));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Path jar(String module) {
		return ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
	}

	private static void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
		Path folder = repository.resolve("dev/fastnet").resolve(artifactId).resolve(VERSION);
		Files.createDirectories(folder);
		Files.copy(pom, folder.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
		if (jar != null) {
			Files.copy(jar, folder.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
		}
	}

	private static void copy(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

}
