package dev.sluice.server;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.store.Database;
import java.nio.file.Path;
import java.util.Optional;

/** {@code bin/sluice}: parses the flags, starts the server and stops it on shutdown. */
public final class Main {

    private static final String USAGE = """
            Usage: sluice --config FILE [--port N] [--host ADDRESS] [--plugins-dir DIR] [--data-dir DIR]
                   sluice --config FILE --migrate-only [--data-dir DIR]

            Sluice, an LLM gateway that speaks OpenAI's API, configured with LiteLLM's config.yaml.

              --config FILE       the config.yaml to load (required)
              --port N            port to listen on (default 4000; 0 picks a free one)
              --host ADDRESS      address to listen on (default 0.0.0.0)
              --plugins-dir DIR   folder of plugin jars/zips (default: the distribution's plugins/)
              --data-dir DIR      folder for the embedded database and local state (default: data/)
              --migrate-only      bring the database schema up to date, then exit (a release's
                                  migration step; replicas starting later find nothing to do)
              --help              show this help

            Environment: LITELLM_MASTER_KEY and DATABASE_URL are honoured as by LiteLLM;
            any config value may be written os.environ/NAME to read variable NAME.
            """;

    private Main() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s - %5$s%6$s%n");
        }
        ServerOptions options;
        boolean migrateOnly = java.util.Arrays.asList(args).contains("--migrate-only");
        try {
            Optional<ServerOptions> parsed = parse(java.util.Arrays.stream(args)
                    .filter(arg -> !arg.equals("--migrate-only")).toArray(String[]::new));
            if (parsed.isEmpty()) {
                System.out.print(USAGE);
                return;
            }
            options = parsed.get();
        } catch (IllegalArgumentException e) {
            System.err.println("sluice: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (migrateOnly) {
            System.exit(migrate(options));
            return;
        }
        try {
            SluiceServer server = SluiceServer.start(options, System.getenv());
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutDownGracefully, "sluice-shutdown"));
            System.out.println("Sluice listening on " + server.scheme() + "://" + options.host() + ":" + server.port()
                    + " (OpenAI base URL: " + server.scheme() + "://localhost:" + server.port() + "/v1)");
        } catch (ConfigException e) {
            System.err.println("sluice: invalid config " + options.config() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** Opens the database, which applies the migrations it lacks; @return the exit status */
    static int migrate(ServerOptions options) {
        try {
            GatewayConfig config = ConfigLoader.load(options.config(), System.getenv());
            try (Database database = Database.open(config.general().databaseUrl(), options.dataDir())) {
                System.out.println("Sluice: the database schema is up to date (" + database.description() + ")");
                return 0;
            }
        } catch (ConfigException e) {
            System.err.println("sluice: invalid config " + options.config() + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("sluice: could not migrate the database: " + e.getMessage());
            return 1;
        }
    }

    /** @return the options, or empty when help was asked for */
    static Optional<ServerOptions> parse(String[] args) {
        String home = System.getProperty("sluice.home");
        Path config = null;
        int port = 4000;
        String host = "0.0.0.0";
        Path plugins = home != null ? Path.of(home, "plugins") : Path.of("plugins");
        Path data = Path.of("data");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return Optional.empty();
            }
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            switch (flag) {
                case "--config", "-c" -> config = Path.of(value);
                case "--port", "-p" -> port = port(value);
                case "--host" -> host = value;
                case "--plugins-dir" -> plugins = Path.of(value);
                case "--data-dir" -> data = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("--config FILE is required");
        }
        return Optional.of(new ServerOptions(config, host, port, plugins, data));
    }

    private static int port(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port expects a number, got " + value);
        }
    }
}
