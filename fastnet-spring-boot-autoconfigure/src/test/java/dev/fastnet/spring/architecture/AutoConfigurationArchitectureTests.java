package dev.fastnet.spring.architecture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Architecture rules of the auto-configuration module: auto-configuration classes live in
 * one package tree, are registered, and nothing users build on depends on them.
 */
class AutoConfigurationArchitectureTests {

	private static final String AUTOCONFIGURE = "dev.fastnet.spring.boot.autoconfigure..";

	private static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.fastnet.spring");

	@Test
	void autoConfigurationClassesResideInTheAutoconfigurePackages() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.resideInAPackage(AUTOCONFIGURE)
			.check(this.classes);
	}

	@Test
	void autoConfigurationClassesAreAnnotatedPublicAndFinal() {
		classes().that()
			.resideInAPackage(AUTOCONFIGURE)
			.and()
			.haveSimpleNameEndingWith("AutoConfiguration")
			.should()
			.beAnnotatedWith(AutoConfiguration.class)
			.andShould()
			.bePublic()
			.andShould()
			.haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
			.check(this.classes);
	}

	@Test
	void everyAutoConfigurationIsRegisteredAndEveryRegisteredOneExists() throws IOException {
		Set<String> annotated = this.classes.stream()
			.filter((type) -> type.isAnnotatedWith(AutoConfiguration.class))
			.map(JavaClass::getName)
			.collect(Collectors.toSet());
		Set<String> registered;
		try (InputStream input = getClass().getClassLoader().getResourceAsStream(IMPORTS)) {
			assertThat(input).as(IMPORTS).isNotNull();
			registered = Arrays.stream(new String(input.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.collect(Collectors.toSet());
		}
		assertThat(annotated).isNotEmpty();
		assertThat(registered).containsExactlyInAnyOrderElementsOf(annotated);
	}

	@Test
	void publicApiPackagesDoNotDependOnTheAutoConfiguration() {
		noClasses().that()
			.resideInAnyPackage("dev.fastnet.spring.handler..", "dev.fastnet.spring.client..",
					"dev.fastnet.spring.metrics..", "dev.fastnet.spring.health..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("..boot.autoconfigure..")
			.check(this.classes);
	}

}
