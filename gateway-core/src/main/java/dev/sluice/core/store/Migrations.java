package dev.sluice.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to the current version with the numbered SQL scripts in
 * {@code migrations/}, each applied once, in its own transaction, and recorded with a checksum
 * in {@code sluice_schema_history}. On PostgreSQL an advisory lock makes replicas that start at
 * the same time take turns; an embedded H2 database belongs to one process anyway.
 */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** The scripts, in order. Add new ones at the end; never edit one that has been released. */
    static final List<String> SCRIPTS = List.of("V001__governance.sql", "V002__spend_report_indexes.sql",
            "V003__stored_models_and_daily_spend.sql", "V004__spend_journal.sql", "V005__responses.sql",
            "V006__files_and_batches.sql");

    private static final long LOCK_KEY = 0x536c75696365L; // "Sluice" in ASCII; any constant will do

    private final Database database;

    Migrations(Database database) {
        this.database = database;
    }

    void apply() {
        database.jdbi().useHandle(handle -> {
            boolean postgres = database.dialect() == Dialect.POSTGRESQL;
            if (postgres) {
                handle.execute("select pg_advisory_lock(?)", LOCK_KEY);
            }
            try {
                handle.execute("create table if not exists sluice_schema_history ("
                        + "version int primary key, script varchar(200) not null, checksum char(64) not null, "
                        + "applied_at timestamp with time zone not null default current_timestamp)");
                Map<Integer, String> applied = handle.createQuery("select version, checksum from sluice_schema_history")
                        .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
                        .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                for (int i = 0; i < SCRIPTS.size(); i++) {
                    int version = i + 1;
                    String script = SCRIPTS.get(i);
                    String sql = read(script);
                    String checksum = sha256(sql);
                    String recorded = applied.get(version);
                    if (recorded != null) {
                        if (!recorded.trim().equals(checksum)) {
                            throw new IllegalStateException("Migration " + script + " was changed after it was applied "
                                    + "to this database; restore it and add a new migration instead.");
                        }
                        continue;
                    }
                    handle.useTransaction(tx -> {
                        for (String statement : statements(sql)) {
                            tx.execute(statement);
                        }
                        tx.execute("insert into sluice_schema_history (version, script, checksum) values (?, ?, ?)",
                                version, script, checksum);
                    });
                    LOG.info("Applied database migration {}", script);
                }
            } finally {
                if (postgres) {
                    handle.execute("select pg_advisory_unlock(?)", LOCK_KEY);
                }
            }
        });
    }

    /** Splits a script on the semicolons that end its lines; scripts keep to that form. */
    static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the gateway's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
