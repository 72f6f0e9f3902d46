package dev.sluice.core.plugin;

import dev.sluice.api.ProviderAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which started plugins may not be served because they conflict: the same plugin id in
 * two files (two versions side by side), or the same provider prefix claimed by two plugins. The
 * outcome depends on what is in the folder and on which file was serving, never on file-name or
 * arrival order: among the claimants, the one serving before a change serves on; when none was
 * (at start-up), none is served.
 */
final class PluginConflicts {

    private static final Logger LOG = LoggerFactory.getLogger(PluginConflicts.class);

    private PluginConflicts() {
    }

    /**
     * Marks the plugins in conflict (and clears the mark of the others), logging each as an error.
     *
     * @param plugins    the plugins that will be in the folder
     * @param incumbents the files whose plugins were serving before this change
     */
    static void resolve(Collection<LoadedPlugin> plugins, Set<Path> incumbents) {
        plugins.forEach(plugin -> plugin.conflict(null));
        List<LoadedPlugin> started = plugins.stream().filter(plugin -> plugin.loadedStatus().started()).toList();
        Map<String, List<LoadedPlugin>> byId = new LinkedHashMap<>();
        started.forEach(plugin -> byId.computeIfAbsent(plugin.loadedStatus().id(), id -> new ArrayList<>()).add(plugin));
        byId.forEach((id, claimants) -> {
            if (claimants.size() > 1) {
                refuse(claimants, incumbents, "plugin " + id + " is in more than one file");
            }
        });
        Map<String, Set<LoadedPlugin>> byProvider = new LinkedHashMap<>();
        for (LoadedPlugin plugin : started) {
            if (!plugin.serving()) {
                continue;
            }
            for (ProviderAdapter adapter : plugin.adapters()) {
                for (String provider : adapter.providers()) {
                    byProvider.computeIfAbsent(provider, p -> new LinkedHashSet<>()).add(plugin);
                }
            }
        }
        byProvider.forEach((provider, claimants) -> {
            List<LoadedPlugin> serving = claimants.stream().filter(LoadedPlugin::serving).toList();
            if (serving.size() > 1) {
                refuse(serving, incumbents, "provider '" + provider + "' is claimed by more than one plugin ("
                        + serving.stream().map(plugin -> plugin.loadedStatus().id()).collect(Collectors.joining(", "))
                        + "); its models, and their keys, must go to one");
            }
        });
    }

    private static void refuse(List<LoadedPlugin> claimants, Set<Path> incumbents, String what) {
        List<LoadedPlugin> serving = claimants.stream().filter(plugin -> incumbents.contains(plugin.source())).toList();
        LoadedPlugin kept = serving.size() == 1 ? serving.get(0) : null;
        String files = claimants.stream().map(plugin -> plugin.source().getFileName().toString())
                .collect(Collectors.joining(", "));
        for (LoadedPlugin plugin : claimants) {
            if (plugin == kept) {
                continue;
            }
            String why = what + " (files " + files + "): " + (kept != null
                    ? kept.source().getFileName() + " serves on and this one is refused"
                    : "none of them is served") + "; remove all but one of the files";
            plugin.conflict(why);
            LOG.error("Plugin {} {} ({}) refused: {}", plugin.loadedStatus().id(), plugin.loadedStatus().version(),
                    plugin.source().getFileName(), why);
        }
    }
}
