package dev.sluice.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this plugin API, as the gateway declares it to PF4J. */
public final class PluginApi {

    private static final String VERSION = readVersion();

    private PluginApi() {
    }

    /**
     * The semantic version of the plugin API this gateway implements, e.g. {@code 1.0.0}. A
     * plugin whose descriptor {@code requires} a range that excludes it is refused.
     *
     * @return the version, never blank
     */
    public static String version() {
        return VERSION;
    }

    private static String readVersion() {
        try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("plugin-api.properties is missing from the plugin API jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
