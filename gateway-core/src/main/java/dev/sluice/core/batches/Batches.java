package dev.sluice.core.batches;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Batch API, run by the gateway itself: a batch's JSONL input file is checked when it is
 * created, then each request runs through the pipeline as the key that created the batch (its
 * access, budgets, limits and spend, each request a spend log row as it completes), a few at a
 * time, for whichever provider serves its model; the answers become an output file and the
 * failures an error file, in OpenAI's shapes. LiteLLM's {@code target_model_names} of the input
 * file name the model groups its requests may use: a request naming another runs on the first.
 * A batch under way when the gateway stops is marked failed at the next start (its finished
 * requests stay charged): create it again.
 */
public final class Batches {

    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
    private static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");
    private static final int PARALLEL = 4;
    private static final int MAX_REQUESTS = 50_000;
    private static final int RATE_LIMIT_RETRIES = 5;

    private final Database database;
    private final StoredFiles files;
    private final ObjectMapper json;
    private final Clock clock;
    private final BiFunction<ModelRequest, GatewayCallContext, ModelResult> calls;
    private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();

    /**
     * @param database where batches are kept
     * @param files    the files
     * @param json     the mapper
     * @param clock    the clock
     * @param calls    runs one model call through the pipeline
     */
    public Batches(Database database, StoredFiles files, ObjectMapper json, Clock clock,
                   BiFunction<ModelRequest, GatewayCallContext, ModelResult> calls) {
        this.database = database;
        this.files = files;
        this.json = json;
        this.clock = clock;
        this.calls = calls;
    }

    /** Marks the batches a stopped gateway left under way as failed; call once at start. */
    public Batches start() {
        try {
            for (Row row : rows("status in ('validating', 'in_progress', 'finalizing', 'cancelling')", Map.of())) {
                ObjectNode batch = row.batch();
                batch.put("status", "failed").put("failed_at", clock.instant().getEpochSecond());
                errors(batch, "gateway_restarted", "The gateway stopped while the batch ran; its finished requests "
                        + "are charged. Create the batch again.", null);
                save(row.id(), "failed", batch);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not mark interrupted batches as failed: {}", e.toString());
        }
        return this;
    }

    /**
     * @param caller  who creates it, and whom its requests run as
     * @param request {@code input_file_id}, {@code endpoint}, {@code completion_window}, {@code metadata}
     * @return the batch, already running (or failed, when its input file is not a valid batch)
     */
    public ObjectNode create(Principal caller, ObjectNode request) {
        String fileId = text(request, "input_file_id");
        String endpoint = text(request, "endpoint");
        if (!ENDPOINTS.contains(endpoint)) {
            throw GatewayException.badRequest("endpoint: expected one of " + ENDPOINTS + ", got '" + endpoint + "'.",
                    "endpoint");
        }
        String window = request.path("completion_window").asText("24h");
        if (!window.equals("24h")) {
            throw GatewayException.badRequest("completion_window: only 24h is supported.", "completion_window");
        }
        StoredFiles.FileRecord input = files.find(caller.subject(), fileId).orElseThrow(() ->
                GatewayException.badRequest("input_file_id: no file '" + fileId + "' of this key.", "input_file_id"));
        ObjectNode batch = json.createObjectNode().put("id", Ids.of("batch")).put("object", "batch")
                .put("endpoint", endpoint);
        batch.putNull("errors");
        batch.put("input_file_id", fileId).put("completion_window", window).put("status", "validating");
        batch.putNull("output_file_id");
        batch.putNull("error_file_id");
        long now = clock.instant().getEpochSecond();
        batch.put("created_at", now);
        for (String moment : new String[] {"in_progress_at", "finalizing_at", "completed_at", "failed_at",
                "expired_at", "cancelling_at", "cancelled_at"}) {
            batch.putNull(moment);
        }
        batch.put("expires_at", now + Duration.ofHours(24).toSeconds());
        batch.putObject("request_counts").put("total", 0).put("completed", 0).put("failed", 0);
        batch.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : json.nullNode());
        String id = batch.path("id").asText();
        List<JsonNode> lines;
        try {
            lines = lines(files.content(caller.subject(), fileId).orElse(new byte[0]), endpoint);
        } catch (GatewayException e) {
            batch.put("status", "failed").put("failed_at", now);
            errors(batch, "invalid_file", e.getMessage(), null);
            insert(id, caller, "failed", batch);
            return batch;
        }
        batch.with("request_counts").put("total", lines.size());
        insert(id, caller, "validating", batch);
        List<String> targets = input.targetModelNames();
        Thread.ofVirtual().name("sluice-batch-" + id).start(() -> run(id, caller, batch.deepCopy(), lines, targets));
        return batch;
    }

    /** @return the caller's batch of that id */
    public Optional<ObjectNode> find(String caller, String id) {
        return rows("batch_id = :id and api_key = :key", Map.of("id", id, "key", caller)).stream().findFirst()
                .map(Row::batch);
    }

    /** @return the caller's batches, newest first */
    public List<ObjectNode> list(String caller, int limit) {
        return rows("api_key = :key order by created_at desc limit " + Math.max(1, Math.min(limit, 100)),
                Map.of("key", caller)).stream().map(Row::batch).toList();
    }

    /** @return the batch, cancelling (its requests not yet started are not run) */
    public ObjectNode cancel(String caller, String id) {
        ObjectNode batch = find(caller, id).orElseThrow(() -> notFound(id));
        String status = batch.path("status").asText();
        if (status.equals("validating") || status.equals("in_progress")) {
            cancelled.put(id, true);
            batch.put("status", "cancelling").put("cancelling_at", clock.instant().getEpochSecond());
            save(id, "cancelling", batch);
        }
        return batch;
    }

    /** @return the error for a batch the caller does not have */
    public static GatewayException notFound(String id) {
        return GatewayException.of(ErrorKind.NOT_FOUND, "No batch '" + id + "' of this key.");
    }

    private void run(String id, Principal caller, ObjectNode batch, List<JsonNode> lines, List<String> targets) {
        batch.put("status", "in_progress").put("in_progress_at", clock.instant().getEpochSecond());
        save(id, "in_progress", batch);
        StringBuilder output = new StringBuilder();
        StringBuilder errorLines = new StringBuilder();
        int[] counts = new int[2];
        Semaphore slots = new Semaphore(PARALLEL);
        List<Thread> running = new ArrayList<>();
        for (JsonNode line : lines) {
            if (cancelled.containsKey(id)) {
                break;
            }
            slots.acquireUninterruptibly();
            running.add(Thread.ofVirtual().start(() -> {
                try {
                    ObjectNode result = runOne(line, caller, batch.path("endpoint").asText(), targets);
                    boolean ok = result.path("response").path("status_code").asInt() / 100 == 2;
                    synchronized (counts) {
                        (ok ? output : errorLines).append(result).append('\n');
                        counts[ok ? 0 : 1]++;
                    }
                } finally {
                    slots.release();
                }
            }));
        }
        running.forEach(thread -> {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        batch.put("status", "finalizing").put("finalizing_at", clock.instant().getEpochSecond());
        batch.with("request_counts").put("completed", counts[0]).put("failed", counts[1]);
        if (!output.isEmpty()) {
            batch.put("output_file_id", files.keep(caller.subject(), "batch_output", id + "_output.jsonl", List.of(),
                    output.toString().getBytes(StandardCharsets.UTF_8)).id());
        }
        if (!errorLines.isEmpty()) {
            batch.put("error_file_id", files.keep(caller.subject(), "batch_output", id + "_error.jsonl", List.of(),
                    errorLines.toString().getBytes(StandardCharsets.UTF_8)).id());
        }
        boolean wasCancelled = cancelled.remove(id) != null;
        String status = wasCancelled ? "cancelled" : "completed";
        batch.put("status", status).put(wasCancelled ? "cancelled_at" : "completed_at", clock.instant().getEpochSecond());
        save(id, status, batch);
    }

    /** Runs one request of the input file; a rate limit is waited out a few times. */
    private ObjectNode runOne(JsonNode line, Principal caller, String endpoint, List<String> targets) {
        String requestId = Ids.of("batch_req");
        ObjectNode body = ((ObjectNode) line.get("body")).deepCopy();
        body.remove("stream");
        body.remove("stream_options");
        if (!targets.isEmpty() && !targets.contains(body.path("model").asText())) {
            body.put("model", targets.getFirst());
        }
        ObjectNode result = json.createObjectNode().put("id", requestId).put("custom_id", line.path("custom_id").asText());
        ObjectNode response = result.putObject("response");
        for (int attempt = 0; ; attempt++) {
            GatewayCallContext context = new GatewayCallContext(requestId, clock.instant(), System.nanoTime(),
                    NO_HEADERS, "batch");
            context.principal(caller);
            try {
                ModelResult answer = calls.apply(request(endpoint, body), context);
                if (!(answer instanceof ModelResponse whole)) {
                    throw GatewayException.of(ErrorKind.INTERNAL, "a batch request was answered as a stream");
                }
                response.put("status_code", 200).put("request_id", context.callId()).set("body", whole.body());
                result.putNull("error");
                return result;
            } catch (GatewayException e) {
                if (e.kind() == ErrorKind.RATE_LIMITED && attempt < RATE_LIMIT_RETRIES) {
                    sleep(e.retryAfter().orElse(Duration.ofSeconds(1 + attempt)));
                    continue;
                }
                response.put("status_code", e.status()).put("request_id", context.callId());
                ObjectNode error = response.putObject("body").putObject("error").put("message", e.getMessage())
                        .put("type", e.type());
                error.set("param", e.param().map(json.getNodeFactory()::textNode).orElse(null));
                error.put("code", Integer.toString(e.status()));
                result.putNull("error");
                return result;
            }
        }
    }

    private static ModelRequest request(String endpoint, ObjectNode body) {
        return switch (endpoint) {
            case "/v1/chat/completions" -> new ChatRequest(body);
            case "/v1/completions" -> new CompletionRequest(body);
            default -> new EmbeddingRequest(body);
        };
    }

    /** @return the input file's requests, each checked: {@code custom_id} unique, {@code url} the batch's, a body */
    private List<JsonNode> lines(byte[] content, String endpoint) {
        List<JsonNode> lines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] texts = new String(content, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].isBlank()) {
                continue;
            }
            JsonNode line;
            try {
                line = json.readTree(texts[i]);
            } catch (JsonProcessingException e) {
                throw GatewayException.badRequest("line " + (i + 1) + " is not JSON.", null);
            }
            String url = line.path("url").asText();
            if (!line.path("custom_id").isTextual() || !ids.add(line.path("custom_id").asText())) {
                throw GatewayException.badRequest("line " + (i + 1) + ": custom_id is missing or not unique.", null);
            }
            if (!url.equals(endpoint) && !("/v1" + url).equals(endpoint)) {
                throw GatewayException.badRequest("line " + (i + 1) + ": url '" + url + "' is not the batch's endpoint "
                        + endpoint + ".", null);
            }
            if (!line.path("body").isObject()) {
                throw GatewayException.badRequest("line " + (i + 1) + ": body must be an object.", null);
            }
            lines.add(line);
            if (lines.size() > MAX_REQUESTS) {
                throw GatewayException.badRequest("the file has more than " + MAX_REQUESTS + " requests.", null);
            }
        }
        if (lines.isEmpty()) {
            throw GatewayException.badRequest("the file holds no request.", null);
        }
        return lines;
    }

    private void errors(ObjectNode batch, String code, String message, Integer line) {
        ObjectNode errors = batch.putObject("errors").put("object", "list");
        ObjectNode error = errors.putArray("data").addObject().put("code", code).put("message", message);
        if (line != null) {
            error.put("line", line);
        }
    }

    private record Row(String id, ObjectNode batch) {
    }

    private List<Row> rows(String where, Map<String, Object> binds) {
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery("select batch_id, batch from sluice_batches where " + where);
            binds.forEach(query::bind);
            return query.map((rs, ctx) -> {
                try {
                    return new Row(rs.getString(1), (ObjectNode) json.readTree(rs.getString(2)));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("batch " + rs.getString(1) + " is not JSON", e);
                }
            }).list();
        });
    }

    private void insert(String id, Principal caller, String status, ObjectNode batch) {
        Timestamp now = Timestamp.from(clock.instant());
        database.jdbi().useHandle(handle -> handle.createUpdate("insert into sluice_batches (batch_id, api_key, "
                        + "status, batch, created_at, updated_at) values (:id, :key, :status, :batch, :now, :now)")
                .bind("id", id).bind("key", caller.subject())
                .bind("status", status).bind("batch", batch.toString()).bind("now", now).execute());
    }

    private void save(String id, String status, ObjectNode batch) {
        database.jdbi().useHandle(handle -> handle.createUpdate("update sluice_batches set status = :status, "
                        + "batch = :batch, updated_at = :now where batch_id = :id")
                .bind("id", id).bind("status", status).bind("batch", batch.toString())
                .bind("now", Timestamp.from(clock.instant())).execute());
    }

    private static String text(ObjectNode body, String field) {
        if (!body.path(field).isTextual() || body.path(field).asText().isBlank()) {
            throw GatewayException.badRequest(field + ": Field required.", field);
        }
        return body.path(field).asText();
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final dev.sluice.api.Headers NO_HEADERS = new dev.sluice.api.Headers() {
        @Override
        public Optional<String> first(String name) {
            return Optional.empty();
        }

        @Override
        public List<String> all(String name) {
            return List.of();
        }
    };
}
