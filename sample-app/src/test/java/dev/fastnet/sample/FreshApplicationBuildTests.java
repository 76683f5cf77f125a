package dev.fastnet.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Builds a new Spring Boot 4.1.2 application written as the README's quick start says,
 * with Netty's native epoll jar, against the fastnet jars of this build, in a Maven of
 * its own. Its local repository is a new folder that sees the build's own repository as
 * its only remote, so nothing is downloaded and nothing of the build's repository is
 * changed.
 */
class FreshApplicationBuildTests {

	private static final String VERSION = "0.1.0-SNAPSHOT";

	private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

	@Test
	void readmeQuickStartWithEpollResolvesAndCompiles(@TempDir Path dir) throws Exception {
		String buildRepository = System.getProperty("fastnet.localRepository");
		assumeThat(buildRepository).as("run by Maven, which passes its local repository").isNotBlank();
		List<String> modules = List.of("fastnet-core", "fastnet-spring-boot-autoconfigure",
				"fastnet-spring-boot-starter");
		for (String module : modules) {
			assumeThat(jar(module)).as("packaged by this build").exists();
		}
		Path repository = dir.resolve("repository");
		install(repository, "fastnet-parent", ROOT.resolve("pom.xml"), null);
		for (String module : modules) {
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
		Path log = dir.resolve("build.log");
		Process maven = new ProcessBuilder("mvn", "-B", "-ntp", "-s", settings.toString(),
				"-Dmaven.repo.local=" + repository, "test-compile")
			.directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!maven.waitFor(3, TimeUnit.MINUTES)) {
			maven.destroyForcibly();
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(maven.exitValue()).as(output).isZero();
		assertThat(app.resolve("target/classes/demo/FreshApplication.class")).exists();
		// The new repository holds exactly what the build resolved: test-compile resolves
		// the
		// runtime class path too, where Boot's dependency management puts the native jar
		Path netty = repository.resolve("io/netty");
		assertThat(netty.resolve("netty-transport-native-epoll/4.2.18.Final")
			.resolve("netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar")).exists();
		// Only the 4.2.19 BOM's POM is read (Boot's BOM imports it); no 4.2.19 jar is
		// resolved
		try (Stream<Path> files = Files.walk(netty)) {
			assertThat(files.map((path) -> path.getFileName().toString()))
				.noneMatch((name) -> name.contains("4.2.19") && name.endsWith(".jar"));
		}
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
