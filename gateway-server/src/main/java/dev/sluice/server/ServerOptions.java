package dev.sluice.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start the server: the command-line flags.
 *
 * @param config     the {@code config.yaml} to load
 * @param host       the address to listen on
 * @param port       the port to listen on, 0 for a free one
 * @param pluginsDir the plugins folder
 * @param dataDir    where the embedded database and local files live
 */
public record ServerOptions(Path config, String host, int port, Path pluginsDir, Path dataDir) {

    /** @throws IllegalArgumentException for a port outside 0..65535 */
    public ServerOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
    }
}
