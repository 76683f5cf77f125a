package dev.fastnet.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Architecture rules of fastnet-core: no Spring, no package cycles, internals stay
 * internal.
 */
class ArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.fastnet");

	@Test
	void coreDoesNotDependOnSpring() {
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(this.classes);
	}

	@Test
	void corePackagesHaveNoCycles() {
		slices().matching("dev.fastnet.(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void coreDoesNotDependOnMicrometer() {
		noClasses().should().dependOnClassesThat().resideInAPackage("io.micrometer..").check(this.classes);
	}

}
