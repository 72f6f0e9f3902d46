package dev.sluice.server;

import java.nio.file.Path;

/**
 * A gateway in this JVM on the embedded H2 or on a schema of its own on the real PostgreSQL, for
 * tests that run against both; closing it drops the schema.
 */
final class GatewayOnDatabase implements AutoCloseable {

    private final RunningGateway gateway;
    private final TestPostgres postgres;

    private GatewayOnDatabase(RunningGateway gateway, TestPostgres postgres) {
        this.gateway = gateway;
        this.postgres = postgres;
    }

    /**
     * @param database        {@code h2} or {@code postgresql}
     * @param configYaml      the config, with {@code %s} where the {@code database_url} line goes
     *                        (indented as a {@code general_settings} entry)
     */
    static GatewayOnDatabase start(Path dir, String database, String configYaml) {
        TestPostgres postgres = database.equals("postgresql") ? TestPostgres.schema("gw") : null;
        try {
            return new GatewayOnDatabase(RunningGateway.start(dir, configYaml.formatted(
                    postgres == null ? "" : postgres.databaseUrlLine())), postgres);
        } catch (RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            throw e;
        }
    }

    RunningGateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
        if (postgres != null) {
            postgres.close();
        }
    }
}
