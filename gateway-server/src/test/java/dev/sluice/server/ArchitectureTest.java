package dev.sluice.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules of DESIGN.md, over the compiled classes of every module. */
class ArchitectureTest {

    private static final List<Path> PLUGIN_CLASSES = List.of(
            Path.of("..", "plugins", "provider-openai", "target", "classes"),
            Path.of("..", "plugins", "provider-mock", "target", "classes"));

    private static JavaClasses gateway;
    private static JavaClasses plugins;

    @BeforeAll
    static void importClasses() {
        gateway = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice.api", "dev.sluice.core", "dev.sluice.server");
        for (Path path : PLUGIN_CLASSES) {
            assertTrue(Files.isDirectory(path), "build the plugins first: " + path);
        }
        plugins = new ClassFileImporter().importPaths(PLUGIN_CLASSES);
        assertTrue(gateway.size() > 50, "imported only " + gateway.size() + " gateway classes");
        assertTrue(plugins.size() > 5, "imported only " + plugins.size() + " plugin classes");
    }

    @Test
    void thePluginApiDependsOnNothingOfTheGateway() {
        noClasses().that().resideInAPackage("dev.sluice.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.core..", "dev.sluice.server..",
                        "dev.sluice.plugins..", "io.helidon..")
                .check(gateway);
    }

    @Test
    void pluginsDependOnThePluginApiOnly() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.sluice.core..", "dev.sluice.server..",
                "io.helidon..", "com.github.benmanes..", "io.lettuce..", "org.jdbi..")
                .check(plugins);
    }

    @Test
    void coreNeverImportsHelidon() {
        noClasses().that().resideInAPackage("dev.sluice.core..")
                .should().dependOnClassesThat().resideInAPackage("io.helidon..")
                .check(gateway);
    }

    @Test
    void noCyclesBetweenPackages() {
        SlicesRuleDefinition.slices().matching("dev.sluice.(**)").should().beFreeOfCycles().check(gateway);
    }

    @Test
    void aRuleThatMustFailDoesFailSoASilentArchUnitIsNoticed() {
        // The router certainly calls provider adapters of the plugin API; if this rule passed,
        // ArchUnit would be reading nothing (e.g. class files newer than it understands).
        ArchRule mustFail = noClasses().that().resideInAPackage("dev.sluice.core.routing..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.api..");
        assertThrows(AssertionError.class, () -> mustFail.check(gateway));
    }
}
