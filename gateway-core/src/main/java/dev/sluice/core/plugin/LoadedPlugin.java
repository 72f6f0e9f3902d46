package dev.sluice.core.plugin;

import dev.sluice.api.AlertChannel;
import dev.sluice.api.AuthStrategy;
import dev.sluice.api.CacheBackend;
import dev.sluice.api.CallLogger;
import dev.sluice.api.Configurable;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.Guardrail;
import dev.sluice.api.PluginApi;
import dev.sluice.api.PluginSettings;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.RoutingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin file, loaded by a PF4J manager of its own from a private copy: the file in the
 * plugins folder can then be replaced or deleted while this copy serves, and a new version of
 * the same plugin id can load beside it until the old one has finished its calls.
 */
final class LoadedPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

    private final Path source;
    private final FileStamp stamp;
    private final Path copy;
    private final DefaultPluginManager manager;
    private final PluginStatus status;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<ProviderAdapter> adapters;
    private final PluginSettings settings;
    private Boolean wiredAtStartUp; // asked for only when the folder changes; then kept
    /** Why it is not served although it started: it conflicts with another plugin (the host decides). */
    private volatile String conflict;
    /** A newer version of its file that was refused, while this one keeps serving. */
    private volatile String refusedUpdate;

    private LoadedPlugin(Path source, FileStamp stamp, Path copy, DefaultPluginManager manager, PluginStatus status,
                         PluginSettings settings) {
        this.settings = settings;
        this.source = source;
        this.stamp = stamp;
        this.copy = copy;
        this.manager = manager;
        this.status = status;
        List<ProviderAdapter> tracked = new ArrayList<>();
        for (ProviderAdapter adapter : extensions(ProviderAdapter.class)) {
            tracked.add(new TrackedAdapter(adapter, inFlight, status.id()));
        }
        this.adapters = List.copyOf(tracked);
    }

    /** A file's identity for change detection: its size and modification time. */
    record FileStamp(long size, long modifiedMillis) {
        static FileStamp of(Path file) throws IOException {
            return new FileStamp(Files.size(file), Files.getLastModifiedTime(file).toMillis());
        }
    }

    /**
     * Loads and starts the plugin in a file, and hands its extensions the plugin's settings. Never
     * throws for a bad plugin: its status says what went wrong (settings it refused among it), and
     * it has no extensions.
     *
     * @param settings the settings of a plugin id, from {@code plugin_settings}
     */
    static LoadedPlugin load(Path source, FileStamp stamp, Path stagingDir,
                             Function<String, PluginSettings> settings) {
        String name = source.getFileName().toString();
        try {
            Files.createDirectories(stagingDir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + stagingDir, e);
        }
        DefaultPluginManager manager = new SharedApiPluginManager(stagingDir);
        manager.setSystemVersion(PluginApi.version());
        Path copy = null;
        try {
            copy = stagingDir.resolve(System.nanoTime() + "-" + name);
            Files.copy(source, copy);
            Optional<String> notAPlugin = notAPluginJar(copy);
            if (notAPlugin.isPresent()) { // said in one line, before PF4J would log a trace that buries it
                return new LoadedPlugin(source, stamp, copy, manager, new PluginStatus(name, "?", "?", "failed", name,
                        notAPlugin), PluginSettings.none(name));
            }
            String id = manager.loadPlugin(FileUtils.expandIfZip(copy));
            PluginWrapper plugin = manager.getPlugin(id);
            if (plugin.getPluginState() != PluginState.DISABLED) {
                manager.startPlugin(id);
            }
            PluginSettings own = settings.apply(id);
            PluginStatus status = status(manager, plugin, name);
            if (status.started()) {
                Optional<String> refused = refusedSettings(manager, id, own);
                if (refused.isPresent()) {
                    manager.stopPlugin(id);
                    status = new PluginStatus(status.id(), status.version(), status.requires(), "failed", name, refused);
                }
            }
            return new LoadedPlugin(source, stamp, copy, manager, status, own);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("Plugin file {} could not be loaded", name, e);
            return new LoadedPlugin(source, stamp, copy, manager, new PluginStatus(name, "?", "?", "failed", name,
                    Optional.of("not a loadable plugin: " + e.getMessage())), PluginSettings.none(name));
        }
    }

    private static final List<Class<?>> EXTENSION_POINTS = List.of(ProviderAdapter.class, AuthStrategy.class,
            CacheBackend.class, RoutingPolicy.class, GatewayFilter.class, CallLogger.class, AlertChannel.class, Guardrail.class);

    /** @return why the plugin's extensions refused its settings, if one did (each is configured once to see) */
    private static Optional<String> refusedSettings(DefaultPluginManager manager, String id, PluginSettings settings) {
        for (Class<?> type : EXTENSION_POINTS) {
            for (Object extension : manager.getExtensions(type, id)) {
                if (extension instanceof Configurable configurable) {
                    try {
                        configurable.configure(settings);
                    } catch (IllegalArgumentException e) {
                        return Optional.of("its settings were refused: " + e.getMessage());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** @return why a {@code .jar} file cannot be a plugin (unreadable, or no descriptor), if it cannot */
    private static Optional<String> notAPluginJar(Path file) {
        if (!file.getFileName().toString().endsWith(".jar")) {
            return Optional.empty(); // a zip with a lib/ folder: PF4J expands and reads it
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(file.toFile())) {
            java.util.jar.Manifest manifest = jar.getManifest();
            boolean described = (manifest != null && manifest.getMainAttributes().getValue("Plugin-Id") != null)
                    || jar.getEntry("plugin.properties") != null;
            return described ? Optional.empty() : Optional.of("not a plugin: the jar has no Plugin-Id in "
                    + "META-INF/MANIFEST.MF (nor a plugin.properties); build it with the sluice-plugin-parent POM");
        } catch (IOException | SecurityException e) {
            return Optional.of("not a readable jar (" + e.getMessage() + "); was it copied whole?");
        }
    }

    private static PluginStatus status(DefaultPluginManager manager, PluginWrapper plugin, String file) {
        PluginDescriptor descriptor = plugin.getDescriptor();
        String requires = descriptor.getRequires();
        if (!manager.getVersionManager().checkVersionConstraint(PluginApi.version(), requires)) {
            return new PluginStatus(descriptor.getPluginId(), descriptor.getVersion(), requires, "refused", file,
                    Optional.of("it requires plugin API " + requires + " but this gateway provides plugin API "
                            + PluginApi.version() + "; install a version of the plugin built for API "
                            + PluginApi.version()));
        }
        if (plugin.getPluginState() == PluginState.STARTED) {
            return new PluginStatus(descriptor.getPluginId(), descriptor.getVersion(), requires, "started", file,
                    Optional.empty());
        }
        Throwable failure = plugin.getFailedException();
        return new PluginStatus(descriptor.getPluginId(), descriptor.getVersion(), requires, "failed", file,
                Optional.of(failure != null ? failure.toString() : "state " + plugin.getPluginState()));
    }

    Path source() {
        return source;
    }

    FileStamp stamp() {
        return stamp;
    }

    /** @return what became of it: as loaded, unless it is in conflict or an update of it was refused */
    PluginStatus status() {
        if (conflict != null) {
            return new PluginStatus(status.id(), status.version(), status.requires(), "conflict", status.file(),
                    Optional.of(conflict));
        }
        if (refusedUpdate != null) {
            return new PluginStatus(status.id(), status.version(), status.requires(), status.state(), status.file(),
                    Optional.of(refusedUpdate));
        }
        return status;
    }

    /** @return whether it started and its extensions are served (it is in no conflict) */
    boolean serving() {
        return status.started() && conflict == null;
    }

    /** @return the id and version of the plugin the file held, as loaded (not as served) */
    PluginStatus loadedStatus() {
        return status;
    }

    /** Where a plugin jar ships prices for its models: a LiteLLM-format map, keys {@code provider/model}. */
    static final String PRICES = "META-INF/sluice/model_prices.json";

    /**
     * @return the prices the plugin ships for models of the providers it serves (entries for other
     *         providers are left out with a warning: a plugin prices its own models only)
     */
    com.fasterxml.jackson.databind.node.ObjectNode prices(com.fasterxml.jackson.databind.ObjectMapper json) {
        com.fasterxml.jackson.databind.node.ObjectNode mine = json.createObjectNode();
        if (!status.started()) {
            return mine;
        }
        java.util.Set<String> providers = new java.util.HashSet<>();
        adapters.forEach(adapter -> providers.addAll(adapter.providers()));
        ClassLoader loader = manager.getPlugin(status.id()).getPluginClassLoader();
        try (java.io.InputStream in = loader.getResourceAsStream(PRICES)) {
            if (in == null) {
                return mine;
            }
            json.readTree(in).properties().forEach(entry -> {
                int slash = entry.getKey().indexOf('/');
                if (slash > 0 && providers.contains(entry.getKey().substring(0, slash))) {
                    mine.set(entry.getKey(), entry.getValue());
                } else {
                    LOG.warn("Plugin {}: price of '{}' ignored; a plugin prices models of its own providers {}, as "
                            + "provider/model", status.id(), entry.getKey(), providers);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("Plugin {}: its {} cannot be read ({}); its models are priced as if it shipped none",
                    status.id(), PRICES, e.toString());
        }
        return mine;
    }

    /** Takes it out of service because of a conflict (or, with null, puts it back). */
    void conflict(String why) {
        this.conflict = why;
    }

    /** Notes that a newer version of its file was refused, while this one serves on. */
    void refusedUpdate(String what) {
        this.refusedUpdate = what;
    }

    /** @return the provider adapters, counting the calls they serve */
    List<ProviderAdapter> adapters() {
        return adapters;
    }

    /** @return calls its adapters are serving now */
    int inFlight() {
        return inFlight.get();
    }

    /** @return whether it has extensions the gateway wires only at start-up (auth, cache, routing, filters, loggers) */
    synchronized boolean wiredAtStartUp() {
        if (wiredAtStartUp == null) { // PF4J makes new extension instances each time it is asked
            wiredAtStartUp = !extensions(AuthStrategy.class).isEmpty() || !extensions(CacheBackend.class).isEmpty()
                    || !extensions(RoutingPolicy.class).isEmpty() || !extensions(GatewayFilter.class).isEmpty()
                    || !extensions(CallLogger.class).isEmpty() || !extensions(AlertChannel.class).isEmpty()
                    || !extensions(Guardrail.class).isEmpty();
        }
        return wiredAtStartUp;
    }

    /** @return the extensions of a type, configured with the plugin's settings, if the plugin started */
    <T> List<T> extensions(Class<T> type) {
        if (!status.started()) {
            return List.of();
        }
        try {
            List<T> extensions = manager.getExtensions(type, status.id());
            extensions.forEach(extension -> {
                if (extension instanceof Configurable configurable) {
                    configurable.configure(settings);
                }
            });
            return extensions;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Plugin {}: its {} extensions cannot be created: {}", status.id(), type.getSimpleName(),
                    e.toString());
            return List.of();
        }
    }

    /** Stops the plugin, closes its class loader and deletes the private copy. */
    void unload() {
        try {
            if (status.started()) {
                manager.stopPlugin(status.id());
            }
            manager.unloadPlugins();
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} did not stop cleanly: {}", status.id(), e.toString());
        }
        if (copy != null) {
            try {
                FileUtils.delete(copy);
                Path expanded = copy.resolveSibling(copy.getFileName().toString().replaceAll("\\.zip$", ""));
                if (!expanded.equals(copy) && Files.exists(expanded)) {
                    FileUtils.delete(expanded);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not delete {}: {}", copy, e.toString());
            }
        }
    }

    /** PF4J's default manager, with class loaders that take the shared libraries from the gateway. */
    private static final class SharedApiPluginManager extends DefaultPluginManager {

        SharedApiPluginManager(Path pluginsDir) {
            super(pluginsDir);
        }

        @Override
        protected PluginLoader createPluginLoader() {
            ClassLoader host = LoadedPlugin.class.getClassLoader();
            return new CompoundPluginLoader()
                    .add(new JarPluginLoader(this) {
                        @Override
                        protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                            return new HostFirstClassLoader(pluginManager, descriptor, host);
                        }
                    })
                    .add(new DefaultPluginLoader(this) {
                        @Override
                        protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                            return new HostFirstClassLoader(pluginManager, descriptor, host);
                        }
                    });
        }
    }
}
