package dev.sluice.core.batches;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.store.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Files of the Files API, each the caller's that uploaded it only (another caller gets "not
 * found", as if it did not exist), content and all in the database so every replica serves it.
 */
public final class StoredFiles {

    /**
     * A file's record.
     *
     * @param id               its id, {@code file-...}
     * @param purpose          what it is for, e.g. {@code batch}
     * @param filename         its name as uploaded
     * @param bytes            its size
     * @param targetModelNames LiteLLM's {@code target_model_names}: the model groups a batch file is for
     * @param createdAt        when it was uploaded
     */
    public record FileRecord(String id, String purpose, String filename, long bytes, List<String> targetModelNames,
                             Instant createdAt) {

        /** @return OpenAI's {@code file} object */
        public ObjectNode toJson(ObjectMapper json) {
            ObjectNode file = json.createObjectNode().put("id", id).put("object", "file").put("bytes", bytes)
                    .put("created_at", createdAt.getEpochSecond()).put("filename", filename).put("purpose", purpose)
                    .put("status", "processed");
            file.putNull("expires_at");
            file.putNull("status_details");
            return file;
        }
    }

    private final Database database;
    private final Clock clock;

    /**
     * @param database where files are kept
     * @param clock    the clock
     */
    public StoredFiles(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** @return the file kept for the caller */
    public FileRecord keep(String caller, String purpose, String filename, List<String> targetModelNames,
                           byte[] content) {
        FileRecord file = new FileRecord(Ids.of("file"), purpose, filename, content.length,
                List.copyOf(targetModelNames), clock.instant());
        database.jdbi().useHandle(handle -> handle.createUpdate("insert into sluice_files (file_id, api_key, purpose, "
                        + "filename, bytes, target_model_names, created_at, content) values (:id, :key, :purpose, "
                        + ":filename, :bytes, :targets, :at, :content)")
                .bind("id", file.id()).bind("key", caller).bind("purpose", purpose).bind("filename", filename)
                .bind("bytes", content.length).bind("targets", targetModelNames.isEmpty() ? null
                        : String.join(",", targetModelNames))
                .bind("at", Timestamp.from(file.createdAt())).bind("content", content).execute());
        return file;
    }

    /** @return the caller's file of that id */
    public Optional<FileRecord> find(String caller, String id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select file_id, purpose, filename, bytes, "
                        + "target_model_names, created_at from sluice_files where file_id = :id and api_key = :key")
                .bind("id", id).bind("key", caller).map((rs, ctx) -> record(rs)).findOne());
    }

    /** @return the caller's files, newest first, of a purpose if one is given */
    public List<FileRecord> list(String caller, Optional<String> purpose, int limit) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select file_id, purpose, filename, bytes, "
                        + "target_model_names, created_at from sluice_files where api_key = :key"
                        + (purpose.isPresent() ? " and purpose = :purpose" : "") + " order by created_at desc limit :limit")
                .bind("key", caller).bind("purpose", purpose.orElse(null)).bind("limit", limit)
                .map((rs, ctx) -> record(rs)).list());
    }

    /** @return the content of the caller's file of that id */
    public Optional<byte[]> content(String caller, String id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select content from sluice_files where "
                        + "file_id = :id and api_key = :key").bind("id", id).bind("key", caller)
                .map((rs, ctx) -> rs.getBytes(1)).findOne());
    }

    /** @return whether the caller had a file of that id, now deleted */
    public boolean delete(String caller, String id) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("delete from sluice_files where file_id = :id "
                + "and api_key = :key").bind("id", id).bind("key", caller).execute()) > 0;
    }

    private static FileRecord record(java.sql.ResultSet rs) throws java.sql.SQLException {
        String targets = rs.getString("target_model_names");
        return new FileRecord(rs.getString("file_id"), rs.getString("purpose"), rs.getString("filename"),
                rs.getLong("bytes"), targets == null ? List.of() : List.of(targets.split(",")),
                rs.getTimestamp("created_at").toInstant());
    }
}
