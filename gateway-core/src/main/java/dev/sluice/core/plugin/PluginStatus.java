package dev.sluice.core.plugin;

import java.util.Objects;
import java.util.Optional;

/**
 * What the gateway knows of one plugin in the plugins folder.
 *
 * @param id       the plugin id
 * @param version  the plugin's version
 * @param requires the plugin API range it needs
 * @param state    {@code started}, {@code refused} (incompatible API) or {@code failed}
 * @param file     the plugin's file name
 * @param problem  why it is not started, if it is not
 */
public record PluginStatus(String id, String version, String requires, String state, String file,
                           Optional<String> problem) {

    /** @throws NullPointerException if a part is null */
    public PluginStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(problem, "problem");
    }

    /** @return whether the plugin's extensions are in use */
    public boolean started() {
        return state.equals("started");
    }
}
