package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's own settings: the object under {@code plugin_settings.<plugin id>} in
 * {@code config.yaml}, with {@code os.environ/NAME} values already replaced by the variables'
 * values (so a setting may be a secret: never log the values). A plugin with no entry gets empty
 * settings, and every getter's fallback.
 *
 * <p>The getters refuse a value of the wrong type with an {@link IllegalArgumentException} that
 * names the setting's path in {@code config.yaml}; thrown from {@link Configurable#configure},
 * it refuses the plugin with that message (see {@link Configurable}).
 *
 * @param pluginId the plugin's id ({@code Plugin-Id})
 * @param values   the settings object (empty when the config has none)
 * @since 1.3.0
 */
public record PluginSettings(String pluginId, ObjectNode values) {

    private static final ObjectMapper VALUES = new ObjectMapper();

    /** Checks the arguments; the values are copied, so a plugin cannot change another's view. */
    public PluginSettings {
        Objects.requireNonNull(pluginId, "pluginId");
        values = values == null ? JsonNodeFactory.instance.objectNode() : values.deepCopy();
    }

    /** @return empty settings for the plugin */
    public static PluginSettings none(String pluginId) {
        return new PluginSettings(pluginId, null);
    }

    /**
     * @param pluginId the plugin's id
     * @param values   settings as plain Java values (strings, numbers, booleans, lists, maps); for tests
     * @return the settings
     */
    public static PluginSettings of(String pluginId, Map<String, ?> values) {
        return new PluginSettings(pluginId, VALUES.valueToTree(values));
    }

    /** @return the settings as a {@link ConfigSection} at {@code plugin_settings.<plugin id>} */
    public ConfigSection section() {
        return new ConfigSection("plugin_settings." + pluginId, values);
    }

    /** @return the setting as given (a missing node when absent), for structured settings */
    public JsonNode get(String name) {
        return values.path(name);
    }

    /** @return whether the setting is given (and not null) */
    public boolean has(String name) {
        return section().has(name);
    }

    /** @return the text setting, if given */
    public Optional<String> text(String name) {
        return section().text(name);
    }

    /** @return the text setting, or the fallback when it is not given */
    public String text(String name, String fallback) {
        return section().text(name, fallback);
    }

    /** @return the whole-number setting, or the fallback when it is not given */
    public long number(String name, long fallback) {
        return section().number(name, fallback);
    }

    /** @return the true/false setting, or the fallback when it is not given */
    public boolean flag(String name, boolean fallback) {
        return section().flag(name, fallback);
    }

    /**
     * @param name   the setting
     * @param reason what is wrong with it, e.g. {@code "must be one of eu, us"}
     * @return an exception naming the setting's path in {@code config.yaml}, for a plugin's own checks
     */
    public IllegalArgumentException invalid(String name, String reason) {
        return section().invalid(name, reason);
    }

    /** Never shows the values: settings may hold secrets. */
    @Override
    public String toString() {
        java.util.List<String> names = new java.util.ArrayList<>();
        values.fieldNames().forEachRemaining(names::add);
        return "PluginSettings[" + pluginId + ", keys=" + names + "]";
    }
}
