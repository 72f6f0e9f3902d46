package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.model.AccessModifier;
import japicmp.model.JApiClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin API stays binary compatible with its last release within a major version: plugins
 * built against that release must keep loading and running. Compares the jar being built with
 * {@code compat/sluice-plugin-api-<released version>.jar} (see compat/README.md); a breaking change
 * passes only with a higher major version.
 */
class PluginApiCompatibilityIT {

    @Test
    void theApiIsBinaryCompatibleWithItsLastReleaseUnlessTheMajorVersionWentUp() throws IOException {
        Path released = only(Path.of("compat"), "sluice-plugin-api-");
        Path built = only(Path.of("target"), "sluice-plugin-api-");
        String releasedVersion = released.getFileName().toString()
                .replace("sluice-plugin-api-", "").replace(".jar", "");
        int releasedMajor = Integer.parseInt(releasedVersion.split("\\.")[0]);
        int currentMajor = Integer.parseInt(PluginApi.version().split("\\.")[0]);
        if (currentMajor > releasedMajor) {
            return; // a new major version may break; compat/ gets the new release's jar when it ships
        }
        assertEquals(releasedMajor, currentMajor, "the plugin API's major version went down");

        JarArchiveComparatorOptions options = new JarArchiveComparatorOptions();
        options.setAccessModifier(AccessModifier.PROTECTED); // what a plugin can see
        List<JApiClass> classes = new JarArchiveComparator(options).compare(
                new JApiCmpArchive(released.toFile(), releasedVersion),
                new JApiCmpArchive(built.toFile(), PluginApi.version()));
        List<String> broken = classes.stream().filter(type -> !type.isBinaryCompatible())
                .map(type -> type.getFullyQualifiedName() + " (" + type.getChangeStatus() + type.getCompatibilityChanges()
                        + ", methods: " + type.getMethods().stream().filter(method -> !method.isBinaryCompatible())
                                .map(method -> method.getName() + " " + method.getChangeStatus()).toList() + ")")
                .toList();
        if (!broken.isEmpty()) {
            fail("The plugin API " + PluginApi.version() + " breaks plugins built against " + releasedVersion + ": "
                    + String.join("; ", broken) + ". Keep the old signatures (add, do not change or remove), or "
                    + "raise the major version of sluice.plugin-api.version in the root POM.");
        }
    }

    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(file -> file.getFileName().toString().startsWith(prefix)
                    && file.getFileName().toString().endsWith(".jar")
                    && !file.getFileName().toString().contains("-sources")).toList();
            assertEquals(1, jars.size(), "expected one " + prefix + "*.jar in " + dir.toAbsolutePath() + ": " + jars);
            return jars.getFirst();
        }
    }
}
