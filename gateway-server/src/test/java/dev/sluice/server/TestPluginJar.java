package dev.sluice.server;

import dev.sluice.api.ProviderAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a PF4J plugin jar at test time, as a third party would: one source file compiled against
 * the plugin API only, a manifest descriptor and the extension index.
 */
final class TestPluginJar {

    /**
     * The source of {@code acme.EchoProvider}: it serves the provider named by the first
     * placeholder and answers {@code "<second placeholder>: <what was said>"}; "slow" makes it
     * take 1.5 s, to keep a call in flight.
     */
    static final String ECHO_SOURCE = """
            package acme;

            import com.fasterxml.jackson.databind.node.ObjectNode;
            import dev.sluice.api.*;
            import java.util.Set;

            @org.pf4j.Extension
            public final class EchoProvider implements ProviderAdapter {
                @Override public Set<String> providers() { return Set.of("%s"); }

                @Override public ModelResponse chat(ChatRequest request, ProviderContext context) {
                    String said = request.messages().get(request.messages().size() - 1).path("content").asText();
                    if (said.equals("slow")) {
                        try { Thread.sleep(1500); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                    }
                    ObjectNode body = context.json().createObjectNode().put("object", "chat.completion")
                            .put("model", context.deployment().providerModel());
                    ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
                    choice.putObject("message").put("role", "assistant").put("content", "%s: " + said);
                    body.set("usage", new Usage(1, 2, 0, 0).toOpenAi());
                    return new ModelResponse(body);
                }

                @Override public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
                    throw ProviderAdapter.unsupported("streaming", context);
                }
            }
            """;

    /** @return a new plugins folder holding the distribution's first-party plugins */
    static Path folderWithShippedPlugins(Path dir) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (java.util.stream.Stream<Path> shipped = Files.list(RunningGateway.DIST_PLUGINS)) {
            for (Path jar : shipped.toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        return plugins;
    }

    /** Puts a jar in place as a deployment tool would: written beside it, then moved in at once. */
    static void install(Path jar, Path target) throws IOException {
        Path staged = target.resolveSibling(target.getFileName() + ".part");
        Files.copy(jar, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private TestPluginJar() {
    }

    /**
     * @param dir           where to build
     * @param pluginId      the plugin id
     * @param requires      the plugin API range in the descriptor
     * @param className     the fully qualified name of the extension class
     * @param source        its source
     * @param bundleApi     whether to put a copy of the plugin API's classes in the jar, as a
     *                      careless plugin might (the gateway must still use its own)
     * @return the jar
     */
    static Path build(Path dir, String pluginId, String requires, String className, String source, boolean bundleApi)
            throws IOException {
        return build(dir, pluginId, requires, className, source, bundleApi, java.util.Map.of());
    }

    /** As {@link #build(Path, String, String, String, String, boolean)}, with resources (path in the jar to text). */
    static Path build(Path dir, String pluginId, String requires, String className, String source, boolean bundleApi,
                      java.util.Map<String, String> resources) throws IOException {
        Path sources = Files.createDirectories(dir.resolve(pluginId + "-src"));
        Path classes = Files.createDirectories(dir.resolve(pluginId + "-classes"));
        Path file = sources.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "--release", "21", "-proc:none",
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), file.toString());
        if (status != 0) {
            throw new IllegalStateException("the test plugin did not compile");
        }
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Plugin-Id", pluginId);
        attributes.putValue("Plugin-Version", "1.0.0");
        attributes.putValue("Plugin-Requires", requires);
        attributes.putValue("Plugin-Provider", "Acme Test");
        Path jar = dir.resolve(pluginId + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            addTree(out, classes);
            out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            for (java.util.Map.Entry<String, String> resource : resources.entrySet()) {
                out.putNextEntry(new JarEntry(resource.getKey()));
                out.write(resource.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            if (bundleApi) {
                Path api = pluginApiLocation();
                if (Files.isDirectory(api)) {
                    addTree(out, api);
                } else {
                    try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(api)) {
                        addTree(out, zip.getPath("/"));
                    }
                }
            }
        }
        return jar;
    }

    private static Path pluginApiLocation() {
        try {
            return Path.of(ProviderAdapter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addTree(JarOutputStream out, Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(path -> path.toString().endsWith(".class")).sorted().toList();
        }
        for (Path path : files) {
            String name = root.relativize(path).toString().replace('\\', '/');
            out.putNextEntry(new JarEntry(name.startsWith("/") ? name.substring(1) : name));
            copy(path, out);
            out.closeEntry();
        }
    }

    private static void copy(Path path, OutputStream out) {
        try {
            Files.copy(path, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
