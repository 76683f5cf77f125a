package dev.fastnet.sample;

import java.io.IOException;
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
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Builds and tests a new Spring Boot 4.1.2 application written as the README's quick
 * start says, with Netty's native epoll jar, against the fastnet jars of this build, in a
 * Maven of its own. Its local repository is a new folder that sees the build's own
 * repository as its only remote, so nothing is downloaded and nothing of the build's
 * repository is changed. The application's own {@code @FastnetTest} tests must pass in
 * that Maven.
 */
class FreshApplicationBuildTests {

	private static final String VERSION = "0.1.0-SNAPSHOT";

	private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

	private static final List<String> MODULES = List.of("fastnet-core", "fastnet-spring-boot-autoconfigure",
			"fastnet-spring-boot-starter", "fastnet-spring-boot-test");

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);

	@Test
	void readmeQuickStartBuildsAndPassesItsFastnetTests(@TempDir Path dir) throws Exception {
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
		String output = run(dir.resolve("build.log"), app, "mvn", "-B", "-ntp", "-s", settings.toString(),
				"-Dmaven.repo.local=" + repository, "test");
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
