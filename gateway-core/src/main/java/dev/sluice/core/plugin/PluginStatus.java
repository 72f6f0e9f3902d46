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
 * @param inFlight calls its provider adapters were serving when it was listed
 */
public record PluginStatus(String id, String version, String requires, String state, String file,
                           Optional<String> problem, int inFlight) {

    /** @throws NullPointerException if a part is null */
    public PluginStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(problem, "problem");
    }

    /** A status as loading finds it, before any call. */
    public PluginStatus(String id, String version, String requires, String state, String file, Optional<String> problem) {
        this(id, version, requires, state, file, problem, 0);
    }

    /** @return this status with the calls in flight now */
    public PluginStatus withInFlight(int calls) {
        return new PluginStatus(id, version, requires, state, file, problem, calls);
    }

    /** @return whether the plugin's extensions are in use */
    public boolean started() {
        return state.equals("started");
    }
}
