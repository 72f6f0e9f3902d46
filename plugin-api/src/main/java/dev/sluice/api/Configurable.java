package dev.sluice.api;

/**
 * Implemented by an extension (of any extension point) that takes plugin-wide settings from
 * {@code config.yaml}:
 *
 * <pre>{@code
 * plugin_settings:
 *   acme-provider:              # the Plugin-Id
 *     region: eu
 *     api_token: os.environ/ACME_TOKEN
 * }</pre>
 *
 * <p>The gateway calls {@link #configure} once on every instance it creates of the extension,
 * before the instance serves anything, with empty settings when the config has none for the
 * plugin. A setting the plugin cannot use is refused by throwing {@link IllegalArgumentException}
 * (use {@link PluginSettings#invalid}, which names the setting): the plugin is then not served and
 * shows as failed with that message in {@code /plugins}, and, when the plugin was a new version
 * dropped over a working one, the working one serves on. Per-deployment settings stay in the
 * deployment's {@code litellm_params} ({@link Deployment#extraParams()}).
 *
 * @since 1.3.0
 */
public interface Configurable {

    /**
     * @param settings the plugin's settings
     * @throws IllegalArgumentException naming the setting at fault
     */
    void configure(PluginSettings settings);
}
