package dev.sluice.core.plugin;

import dev.sluice.api.PluginApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugins folder with PF4J. The system version is the plugin API's, so PF4J checks each
 * plugin's {@code requires} range; a plugin that does not fit, or fails to start, is refused with
 * a log line that says why, and the gateway starts without it.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final DefaultPluginManager manager;
    private final List<PluginStatus> statuses;

    private PluginHost(DefaultPluginManager manager, List<PluginStatus> statuses) {
        this.manager = manager;
        this.statuses = List.copyOf(statuses);
    }

    /**
     * Loads and starts every plugin in the folder.
     *
     * @param pluginsDir the plugins folder; a missing folder means no plugins
     * @return the host, with the plugins that could be started
     */
    public static PluginHost start(Path pluginsDir) {
        DefaultPluginManager manager = new SharedApiPluginManager(pluginsDir);
        manager.setSystemVersion(PluginApi.version());
        if (!Files.isDirectory(pluginsDir)) {
            LOG.warn("Plugins folder {} does not exist: no provider plugins are loaded", pluginsDir);
            return new PluginHost(manager, List.of());
        }
        manager.loadPlugins();
        manager.startPlugins();
        List<PluginStatus> statuses = new ArrayList<>();
        for (PluginWrapper plugin : manager.getPlugins()) {
            statuses.add(status(manager, plugin));
        }
        for (PluginStatus status : statuses) {
            if (status.started()) {
                LOG.info("Plugin {} {} started ({})", status.id(), status.version(), status.file());
            } else {
                LOG.error("Plugin {} {} ({}) {}: {}", status.id(), status.version(), status.file(), status.state(),
                        status.problem().orElse("unknown reason"));
            }
        }
        return new PluginHost(manager, statuses);
    }

    private static PluginStatus status(DefaultPluginManager manager, PluginWrapper plugin) {
        PluginDescriptor descriptor = plugin.getDescriptor();
        String file = plugin.getPluginPath().getFileName().toString();
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

    /** @return the extensions of the given type from every started plugin */
    public <T> List<T> extensions(Class<T> type) {
        List<T> extensions = new ArrayList<>();
        for (PluginStatus status : statuses) {
            if (status.started()) {
                try {
                    extensions.addAll(manager.getExtensions(type, status.id()));
                } catch (RuntimeException | LinkageError e) {
                    LOG.error("Plugin {}: its {} extensions cannot be created: {}", status.id(),
                            type.getSimpleName(), e.toString());
                }
            }
        }
        return extensions;
    }

    /** @return the id of the plugin that loaded this object's class, if a plugin did */
    public Optional<String> pluginOf(Object extension) {
        PluginWrapper plugin = manager.whichPlugin(extension.getClass());
        return plugin == null ? Optional.empty() : Optional.of(plugin.getPluginId());
    }

    /** @return every plugin found in the folder and what became of it */
    public List<PluginStatus> plugins() {
        return statuses;
    }

    @Override
    public void close() {
        // One by one from a copy: PF4J 3.15's stopPlugins() fails with a
        // ConcurrentModificationException when a refused plugin sits beside started ones.
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        java.util.Collections.reverse(started);
        for (PluginWrapper plugin : started) {
            try {
                manager.stopPlugin(plugin.getPluginId());
            } catch (RuntimeException e) {
                LOG.warn("Plugin {} did not stop cleanly: {}", plugin.getPluginId(), e.toString());
            }
        }
        manager.unloadPlugins();
    }

    /** PF4J's default manager, with class loaders that take the shared libraries from the gateway. */
    private static final class SharedApiPluginManager extends DefaultPluginManager {

        SharedApiPluginManager(Path pluginsDir) {
            super(pluginsDir);
        }

        @Override
        protected PluginLoader createPluginLoader() {
            ClassLoader host = PluginHost.class.getClassLoader();
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
