package dev.sluice.core.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.store.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Responses kept for {@code previous_response_id} and {@code GET}/{@code DELETE
 * /v1/responses/{id}}, each visible to the caller that made it only (another key gets "not
 * found", as if it did not exist), for 30 days as OpenAI keeps them.
 */
public final class StoredResponses {

    private static final Logger LOG = LoggerFactory.getLogger(StoredResponses.class);
    static final Duration KEPT = Duration.ofDays(30);

    /**
     * A stored response.
     *
     * @param response     the {@code response} object as answered
     * @param conversation the chat messages up to and including its answer; null for a response
     *                     its vendor made itself, which keeps the conversation
     */
    public record Stored(ObjectNode response, ArrayNode conversation) {
    }

    private final Database database;
    private final ObjectMapper json;
    private final Clock clock;
    /** When old responses were last deleted, in epoch millis: at most hourly, on the way of a {@link #keep}. */
    private final AtomicLong lastForgotten = new AtomicLong();

    /**
     * @param database where they are kept
     * @param json     the mapper
     * @param clock    the clock, for their age
     */
    public StoredResponses(Database database, ObjectMapper json, Clock clock) {
        this.database = database;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Keeps a response. A failure (the database is down) is logged, not thrown: the caller has its
     * answer; only continuing from it or reading it back will not work.
     *
     * @param caller       the caller's subject
     * @param response     the {@code response} object
     * @param conversation the chat messages up to and including its answer; null when the vendor keeps it
     */
    public void keep(String caller, ObjectNode response, ArrayNode conversation) {
        try {
            database.jdbi().useHandle(handle -> handle.createUpdate("insert into sluice_responses (response_id, "
                            + "api_key, created_at, response, conversation) values (:id, :key, :at, :response, "
                            + ":conversation)")
                    .bind("id", response.path("id").asText()).bind("key", caller)
                    .bind("at", Timestamp.from(clock.instant())).bind("response", json.writeValueAsString(response))
                    .bind("conversation", json.writeValueAsString(conversation)).execute());
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("Response {} was answered but could not be stored ({}): it cannot be continued or read back",
                    response.path("id").asText(), e.toString());
            return;
        }
        long now = clock.millis();
        long last = lastForgotten.get();
        if (now - last > Duration.ofHours(1).toMillis() && lastForgotten.compareAndSet(last, now)) {
            Thread.ofVirtual().name("sluice-responses-expiry").start(this::forgetOld);
        }
    }

    /** @return the caller's response of that id, unless it is older than 30 days */
    public Optional<Stored> find(String caller, String id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select response, conversation from "
                        + "sluice_responses where response_id = :id and api_key = :key and created_at > :since")
                .bind("id", id).bind("key", caller).bind("since", Timestamp.from(clock.instant().minus(KEPT)))
                .map((rs, ctx) -> {
                    try {
                        return new Stored((ObjectNode) json.readTree(rs.getString(1)),
                                json.readTree(rs.getString(2)) instanceof ArrayNode conversation ? conversation : null);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored response " + id + " is not JSON", e);
                    }
                }).findOne());
    }

    /** @return whether the caller had a response of that id, now deleted */
    public boolean delete(String caller, String id) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("delete from sluice_responses where "
                + "response_id = :id and api_key = :key").bind("id", id).bind("key", caller).execute()) > 0;
    }

    /** Deletes the responses older than 30 days. */
    public void forgetOld() {
        try {
            int gone = database.jdbi().withHandle(handle -> handle.createUpdate("delete from sluice_responses where "
                    + "created_at <= :since").bind("since", Timestamp.from(clock.instant().minus(KEPT))).execute());
            if (gone > 0) {
                LOG.info("Deleted {} stored responses older than {} days", gone, KEPT.toDays());
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not delete old stored responses: {}", e.toString());
        }
    }
}
