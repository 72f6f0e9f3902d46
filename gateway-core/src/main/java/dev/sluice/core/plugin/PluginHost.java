package dev.sluice.core.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.PluginSettings;
import dev.sluice.api.ProviderAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.pf4j.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins folder, loaded with PF4J, each file by a manager of its own ({@link LoadedPlugin}).
 * The system version is the plugin API's, so each plugin's {@code requires} range is checked; a
 * plugin that does not fit, or fails to start, is refused with a log line that says why, and the
 * gateway runs without it.
 *
 * <p>Once {@link #watch watched}, the folder is scanned every period while the gateway serves: a
 * plugin file added is loaded and its provider adapters are served at once; a file changed is
 * loaded beside the old version, which serves until the new one takes over; a file removed is
 * taken out of service. A version that left service is unloaded once its calls in flight have
 * finished. A file is acted on once it has stayed the same for two scans, so a copy in progress
 * is never loaded half-written. A new version that does not start (built for another plugin API,
 * a truncated jar, a failing start) is refused and the version it was to replace serves on.
 *
 * <p>Conflicts are refused: two files holding the same plugin id, or two plugins claiming the same
 * provider prefix (which would send one vendor's models, and keys, to the other). At start-up
 * none of the claimants is served; on a change, the one already serving serves on and the
 * newcomer is refused. Either way the log says so in an error and {@code /plugins} shows the state
 * {@code conflict}; removing all but one file ends it. Plugins with extensions the gateway wires only at start-up
 * (auth strategies, cache backends, routing policies, filters) are changed by a restart.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

    private final Path pluginsDir;
    private final Path stagingDir;
    private final Map<Path, LoadedPlugin> loaded = new LinkedHashMap<>();
    private final Map<Path, LoadedPlugin.FileStamp> seenLastScan = new HashMap<>();
    /** Files whose current version could not be served: tried again when they change. */
    private final Map<Path, LoadedPlugin.FileStamp> rejected = new HashMap<>();
    private final List<Thread> draining = new ArrayList<>();
    private Consumer<List<ProviderAdapter>> onAdaptersChanged = adapters -> { };
    private Runnable afterChange = () -> { };
    private Thread watcher;

    private final Function<String, PluginSettings> settings;

    private PluginHost(Path pluginsDir, Path stagingDir, Function<String, PluginSettings> settings) {
        this.pluginsDir = pluginsDir;
        this.stagingDir = stagingDir;
        this.settings = settings;
    }

    /**
     * Loads and starts every plugin in the folder.
     *
     * @param pluginsDir the plugins folder; a missing folder means no plugins
     * @param stagingDir where the loaded copies of plugin files are kept (emptied first)
     * @return the host, with the plugins that could be started
     */
    public static PluginHost start(Path pluginsDir, Path stagingDir) {
        return start(pluginsDir, stagingDir, Map.of());
    }

    /**
     * As {@link #start(Path, Path)}, handing each plugin its settings ({@code plugin_settings}),
     * on every load, hot ones included.
     *
     * @param settings each plugin's settings object, by plugin id
     */
    public static PluginHost start(Path pluginsDir, Path stagingDir, Map<String, ObjectNode> settings) {
        Map<String, ObjectNode> copy = Map.copyOf(settings);
        PluginHost host = new PluginHost(pluginsDir, stagingDir, id -> new PluginSettings(id, copy.get(id)));
        if (Files.exists(stagingDir)) {
            try {
                FileUtils.delete(stagingDir); // copies a previous run left
            } catch (IOException e) {
                LOG.warn("Cannot empty {}: {}", stagingDir, e.toString());
            }
        }
        if (!Files.isDirectory(pluginsDir)) {
            LOG.warn("Plugins folder {} does not exist: no provider plugins are loaded", pluginsDir);
            return host;
        }
        synchronized (host) {
            for (Map.Entry<Path, LoadedPlugin.FileStamp> file : host.files().entrySet()) {
                LoadedPlugin plugin = LoadedPlugin.load(file.getKey(), file.getValue(), stagingDir, host.settings);
                host.loaded.put(file.getKey(), plugin);
                host.seenLastScan.put(file.getKey(), file.getValue());
                log(plugin, "");
            }
            PluginConflicts.resolve(host.loaded.values(), java.util.Set.of());
        }
        return host;
    }

    /** @return the extensions of the given type from every started plugin */
    public synchronized <T> List<T> extensions(Class<T> type) {
        List<T> extensions = new ArrayList<>();
        for (LoadedPlugin plugin : loaded.values()) {
            if (!plugin.serving()) {
                continue;
            }
            if (type == ProviderAdapter.class) {
                plugin.adapters().forEach(adapter -> extensions.add(type.cast(adapter)));
            } else {
                extensions.addAll(plugin.extensions(type));
            }
        }
        return extensions;
    }

    /** @return the prices the serving plugins ship for their models, merged (see {@link LoadedPlugin#PRICES}) */
    public synchronized com.fasterxml.jackson.databind.node.ObjectNode prices(
            com.fasterxml.jackson.databind.ObjectMapper json) {
        com.fasterxml.jackson.databind.node.ObjectNode all = json.createObjectNode();
        loaded.values().stream().filter(LoadedPlugin::serving).forEach(plugin -> all.setAll(plugin.prices(json)));
        return all;
    }

    /** @return every plugin found in the folder, what became of it, and the calls it is serving */
    public synchronized List<PluginStatus> plugins() {
        return loaded.values().stream().map(plugin -> plugin.status().withInFlight(plugin.inFlight())).toList();
    }

    /**
     * Scans the folder every period on a thread of its own, until closed.
     *
     * @param onAdaptersChanged takes the provider adapters to serve from now on, after a change
     */
    public synchronized void watch(Duration period, Consumer<List<ProviderAdapter>> onAdaptersChanged) {
        watch(period, onAdaptersChanged, () -> { });
    }

    /**
     * As {@link #watch(Duration, Consumer)}, and told once a change is in service (to read what the
     * plugins now ship, such as their prices).
     */
    public synchronized void watch(Duration period, Consumer<List<ProviderAdapter>> onAdaptersChanged,
                                   Runnable afterChange) {
        this.onAdaptersChanged = onAdaptersChanged;
        this.afterChange = afterChange;
        if (watcher != null || !Files.isDirectory(pluginsDir)) {
            return;
        }
        watcher = Thread.ofVirtual().name("sluice-plugin-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                    rescan();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("Scanning the plugins folder {} failed: {}", pluginsDir, e.toString());
                }
            }
        });
    }

    /** Acts on the files added, changed and removed since the last scan; see the class comment. */
    synchronized void rescan() {
        Map<Path, LoadedPlugin.FileStamp> now = files();
        Map<Path, LoadedPlugin.FileStamp> previous = new HashMap<>(seenLastScan);
        seenLastScan.clear();
        seenLastScan.putAll(now);
        Map<Path, LoadedPlugin> next = new LinkedHashMap<>(loaded);
        List<LoadedPlugin> arriving = new ArrayList<>();
        List<LoadedPlugin> leaving = new ArrayList<>();
        for (Map.Entry<Path, LoadedPlugin.FileStamp> file : now.entrySet()) {
            LoadedPlugin current = loaded.get(file.getKey());
            boolean settled = file.getValue().equals(previous.get(file.getKey()));
            if (current != null && current.stamp().equals(file.getValue())) {
                current.refusedUpdate(null); // the file holds the serving version again
                continue;
            }
            if (!settled || file.getValue().equals(rejected.get(file.getKey()))) {
                continue;
            }
            if (current != null && current.wiredAtStartUp()) {
                LOG.warn("Plugin file {} changed; plugin {} has extensions wired at start-up (auth, cache, routing, "
                        + "filters or loggers): restart the gateway to use the new version", file.getKey().getFileName(),
                        current.status().id());
                rejected.put(file.getKey(), file.getValue());
                continue;
            }
            LoadedPlugin fresh = LoadedPlugin.load(file.getKey(), file.getValue(), stagingDir, settings);
            if (current != null && current.serving() && !fresh.loadedStatus().started()) {
                PluginStatus refused = fresh.loadedStatus();
                String what = "the new version in " + file.getKey().getFileName() + " (" + refused.id() + " "
                        + refused.version() + ") was " + refused.state() + ": " + refused.problem().orElse("?");
                LOG.error("Plugin {} {}: {}. Version {} serves on; put a working file in place before the next "
                        + "restart, which would load the file as it is now", current.status().id(),
                        current.status().version(), what, current.status().version());
                current.refusedUpdate("serving the last good version; " + what);
                fresh.unload();
                rejected.put(file.getKey(), file.getValue());
                continue;
            }
            if (fresh.wiredAtStartUp()) {
                LOG.warn("Plugin {} ({}) has extensions wired at start-up (auth, cache, routing, filters or loggers): "
                        + "restart the gateway to use them; its provider adapters, if any, are served now", fresh.status().id(),
                        file.getKey().getFileName());
            }
            log(fresh, current == null ? " (added)" : " (replacing version " + current.status().version() + ")");
            next.put(file.getKey(), fresh);
            arriving.add(fresh);
            if (current != null) {
                leaving.add(current);
            }
        }
        for (Path gone : loaded.keySet()) {
            if (!now.containsKey(gone)) {
                LoadedPlugin removed = loaded.get(gone);
                if (removed.wiredAtStartUp()) {
                    LOG.warn("Plugin file {} was removed; plugin {} has extensions wired at start-up: it stays loaded "
                            + "until the gateway restarts", gone.getFileName(), removed.status().id());
                    continue;
                }
                LOG.info("Plugin {} {} ({}) removed: taken out of service once its calls finish", removed.status().id(),
                        removed.status().version(), gone.getFileName());
                next.remove(gone);
                leaving.add(removed);
            }
        }
        if (arriving.isEmpty() && leaving.isEmpty()) {
            return;
        }
        PluginConflicts.resolve(next.values(), loaded.values().stream().filter(LoadedPlugin::serving)
                .map(LoadedPlugin::source).collect(java.util.stream.Collectors.toSet()));
        List<ProviderAdapter> adapters = new ArrayList<>();
        next.values().stream().filter(LoadedPlugin::serving).forEach(plugin -> adapters.addAll(plugin.adapters()));
        try {
            onAdaptersChanged.accept(adapters);
        } catch (RuntimeException e) {
            LOG.error("The plugins folder changed, but the change cannot be served ({}): still serving with the "
                    + "plugins as they were", e.getMessage());
            arriving.forEach(plugin -> {
                rejected.put(plugin.source(), plugin.stamp());
                plugin.unload();
            });
            return;
        }
        loaded.clear();
        loaded.putAll(next);
        leaving.forEach(this::unloadWhenIdle);
        try {
            afterChange.run();
        } catch (RuntimeException e) {
            LOG.error("After the plugins changed: {}", e.toString());
        }
    }

    /** Unloads a plugin that left service once its calls in flight are done (or {@link #DRAIN_LIMIT} passed). */
    private void unloadWhenIdle(LoadedPlugin plugin) {
        draining.add(Thread.ofVirtual().name("sluice-plugin-drain").start(() -> {
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            try {
                while (plugin.inFlight() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (plugin.inFlight() > 0) {
                LOG.warn("Plugin {} still had {} calls in flight after {}: unloading it anyway", plugin.status().id(),
                        plugin.inFlight(), DRAIN_LIMIT);
            }
            plugin.unload();
            LOG.info("Plugin {} {} unloaded", plugin.status().id(), plugin.status().version());
        }));
        draining.removeIf(thread -> !thread.isAlive());
    }

    private Map<Path, LoadedPlugin.FileStamp> files() {
        Map<Path, LoadedPlugin.FileStamp> files = new java.util.TreeMap<>();
        if (!Files.isDirectory(pluginsDir)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(pluginsDir)) {
            for (Path file : entries.filter(path -> {
                String name = path.getFileName().toString();
                return Files.isRegularFile(path) && (name.endsWith(".jar") || name.endsWith(".zip"));
            }).toList()) {
                try {
                    files.put(file, LoadedPlugin.FileStamp.of(file));
                } catch (IOException e) {
                    LOG.debug("Plugin file {} vanished while scanning", file);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the plugins folder {}: {}", pluginsDir, e.toString());
        }
        return files;
    }

    private static void log(LoadedPlugin plugin, String how) {
        PluginStatus status = plugin.status();
        if (status.started()) {
            LOG.info("Plugin {} {} started ({}){}", status.id(), status.version(), status.file(), how);
        } else {
            LOG.error("Plugin {} {} ({}) {}: {}", status.id(), status.version(), status.file(), status.state(),
                    status.problem().orElse("unknown reason"));
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.interrupt();
        }
        draining.forEach(Thread::interrupt);
        List<LoadedPlugin> all = new ArrayList<>(loaded.values());
        java.util.Collections.reverse(all);
        all.forEach(LoadedPlugin::unload);
        loaded.clear();
    }
}
