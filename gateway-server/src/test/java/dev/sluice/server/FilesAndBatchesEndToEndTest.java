package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch end to end: a JSONL file uploaded, a batch created on it, its requests run by the
 * gateway as the key that created it, an output file and an error file in OpenAI's shapes, each
 * answered request on the spend log; files and batches of one key invisible to another.
 */
class FilesAndBatchesEndToEndTest {

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private GatewayOnDatabase running;
    private RunningGateway gateway;

    /** On the embedded H2 and on PostgreSQL: the files' content is kept in the database. */
    private void start(String database) {
        upstream = new FakeOpenAi().reply("batched answer");
        running = GatewayOnDatabase.start(dir, database, """
                model_list:
                  - model_name: mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "UPSTREAM/v1", api_key: sk-up}
                    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                general_settings:
                  master_key: MASTER
                  %s
                """.replace("UPSTREAM", upstream.baseUri().toString()).replace("MASTER", MASTER_KEY));
        gateway = running.gateway();
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        upstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aBatchRunsItsRequestsAsItsKeyAndWritesOutputAndErrorFiles(String database) throws Exception {
        start(database);
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"max_budget\": 10}")).path("key").asText();
        String other = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        String lines = """
                {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "mini", "messages": [{"role": "user", "content": "one"}]}}
                {"custom_id": "b", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "mini", "messages": [{"role": "user", "content": "two"}]}}
                {"custom_id": "c", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "no-such-group", "messages": [{"role": "user", "content": "three"}]}}
                """;
        JsonNode file = json(upload(key, "batch", lines));
        assertEquals("file", file.path("object").asText(), file.toString());
        assertEquals("batch", file.path("purpose").asText());
        String fileId = file.path("id").asText();
        assertEquals(404, gateway.get("/v1/files/" + fileId, "Authorization", "Bearer " + other).statusCode(),
                "another key does not see it");
        assertEquals(lines, gateway.get("/v1/files/" + fileId + "/content", "Authorization", "Bearer " + key).body());

        JsonNode batch = json(gateway.post("/v1/batches", "{\"input_file_id\": \"" + fileId + "\", \"endpoint\": "
                + "\"/v1/chat/completions\", \"completion_window\": \"24h\", \"metadata\": {\"job\": \"nightly\"}}",
                "Authorization", "Bearer " + key));
        assertEquals("batch", batch.path("object").asText(), batch.toString());
        assertEquals(3, batch.path("request_counts").path("total").asInt());
        String batchId = batch.path("id").asText();
        JsonNode done = awaitStatus(key, batchId, "completed");
        assertEquals(2, done.path("request_counts").path("completed").asInt(), done.toString());
        assertEquals(1, done.path("request_counts").path("failed").asInt(), done.toString());
        assertEquals("nightly", done.path("metadata").path("job").asText());
        assertEquals(404, gateway.get("/v1/batches/" + batchId, "Authorization", "Bearer " + other).statusCode());

        List<JsonNode> output = jsonLines(gateway.get("/v1/files/" + done.path("output_file_id").asText() + "/content",
                "Authorization", "Bearer " + key).body());
        assertEquals(2, output.size());
        for (JsonNode line : output) {
            assertEquals(200, line.path("response").path("status_code").asInt(), line.toString());
            assertEquals("batched answer", line.path("response").path("body").path("choices").path(0).path("message")
                    .path("content").asText());
        }
        List<JsonNode> failed = jsonLines(gateway.get("/v1/files/" + done.path("error_file_id").asText() + "/content",
                "Authorization", "Bearer " + key).body());
        assertEquals("c", failed.getFirst().path("custom_id").asText());
        assertEquals(400, failed.getFirst().path("response").path("status_code").asInt());

        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode logs = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
        long answered = 0;
        BigDecimal spent = BigDecimal.ZERO;
        for (JsonNode log : logs) {
            if (log.path("status").asText().equals("success")) {
                answered++;
                spent = spent.add(log.path("spend").decimalValue());
            }
        }
        assertEquals(2, answered, "each answered request is a spend row: " + logs);
        assertTrue(spent.signum() > 0);
        JsonNode info = json(gateway.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(0, spent.compareTo(info.path("info").path("spend").decimalValue()), "charged to the batch's key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aFileThatIsNoBatchFailsTheBatchSayingWhy(String database) {
        start(database);
        String fileId = json(upload(MASTER_KEY, "batch", "{\"custom_id\": \"a\", \"url\": \"/v1/embeddings\", \"body\": {}}\n"))
                .path("id").asText();
        JsonNode batch = json(gateway.postWithMasterKey("/v1/batches", "{\"input_file_id\": \"" + fileId
                + "\", \"endpoint\": \"/v1/chat/completions\", \"completion_window\": \"24h\"}"));
        assertEquals("failed", batch.path("status").asText(), batch.toString());
        assertTrue(batch.path("errors").path("data").path(0).path("message").asText().contains("not the batch's endpoint"));
        HttpResponse<String> unknownFile = gateway.postWithMasterKey("/v1/batches", "{\"input_file_id\": \"file-x\", "
                + "\"endpoint\": \"/v1/chat/completions\", \"completion_window\": \"24h\"}");
        assertEquals(400, unknownFile.statusCode());
        assertEquals("input_file_id", json(unknownFile).path("error").path("param").asText());
        JsonNode deleted = json(gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/files/" + fileId))
                .header("Authorization", "Bearer " + MASTER_KEY).DELETE().build()));
        assertTrue(deleted.path("deleted").asBoolean());
    }

    private JsonNode awaitStatus(String key, String id, String status) throws InterruptedException {
        JsonNode batch = null;
        for (int i = 0; i < 300; i++) {
            batch = json(gateway.get("/v1/batches/" + id, "Authorization", "Bearer " + key));
            if (batch.path("status").asText().equals(status)) {
                return batch;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("batch never " + status + ": " + batch);
    }

    private static List<JsonNode> jsonLines(String text) {
        return text.lines().filter(line -> !line.isBlank()).map(line -> {
            try {
                return RunningGateway.JSON.readTree(line);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    private HttpResponse<String> upload(String key, String purpose, String content) {
        String boundary = "b-" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/files")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }
}
