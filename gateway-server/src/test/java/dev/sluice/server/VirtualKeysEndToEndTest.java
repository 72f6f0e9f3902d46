package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LiteLLM's key management API and virtual-key auth, through the real server on embedded H2. */
class VirtualKeysEndToEndTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - {model_name: allowed, litellm_params: {model: mock/a}}
                  - {model_name: other, litellm_params: {model: mock/b}}
                  - model_name: priced
                    litellm_params: {model: mock/p}
                    model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> admin(String path, String body) {
        return gateway.postWithMasterKey(path, body);
    }

    private HttpResponse<String> chat(String key, String model) {
        return gateway.post("/v1/chat/completions", CHAT.formatted(model), "Authorization", "Bearer " + key);
    }

    @Test
    void aKeyFromKeyGenerateServesItsModelsUntilBlockedOrDeleted() {
        HttpResponse<String> generated = admin("/key/generate",
                "{\"key_alias\":\"app\",\"models\":[\"allowed\"],\"max_budget\":5,\"duration\":\"30d\"}");
        assertEquals(200, generated.statusCode(), generated.body());
        JsonNode created = json(generated);
        String key = created.path("key").asText();
        assertTrue(key.startsWith("sk-"));
        assertEquals("app", created.path("key_alias").asText());
        assertFalse(created.path("expires").isNull());

        assertEquals(200, chat(key, "allowed").statusCode());
        HttpResponse<String> denied = chat(key, "other");
        assertEquals(401, denied.statusCode());
        assertEquals("key_model_access_denied", json(denied).path("error").path("type").asText());
        JsonNode models = json(gateway.get("/v1/models", "Authorization", "Bearer " + key));
        assertEquals(1, models.path("data").size());

        JsonNode info = json(gateway.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(key, info.path("key").asText());
        assertEquals("app", info.path("info").path("key_alias").asText());
        assertFalse(info.toString().contains("\"key\":\"" + key + "\",\"info\":{\"key\""), "info never repeats the key");
        assertEquals(info.path("info").path("token").asText(),
                json(gateway.get("/key/info", "Authorization", "Bearer " + key)).path("info").path("token").asText());

        JsonNode list = json(gateway.get("/key/list?page=1&size=10", "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(1, list.path("total_count").asInt());
        assertFalse(list.toString().contains(key), "listings show tokens, never keys");

        assertEquals(403, gateway.post("/key/block", "{\"key\":\"" + key + "\"}", "Authorization", "Bearer " + key)
                .statusCode(), "a virtual key cannot block keys");
        assertTrue(json(admin("/key/block", "{\"key\":\"" + key + "\"}")).path("blocked").asBoolean());
        assertEquals(401, chat(key, "allowed").statusCode());
        admin("/key/unblock", "{\"key\":\"" + key + "\"}");
        assertEquals(200, chat(key, "allowed").statusCode());

        JsonNode deleted = json(admin("/key/delete", "{\"keys\":[\"" + key + "\"]}"));
        assertEquals(key, deleted.path("deleted_keys").path(0).asText());
        assertEquals(401, chat(key, "allowed").statusCode(), "a deleted key stops working at once");
    }

    @Test
    void plainAndStreamedCallsAreChargedExactlyToTheKey() throws Exception {
        String key = json(admin("/key/generate", "{}")).path("key").asText();
        JsonNode usage = json(chat(key, "priced")).path("usage");
        java.math.BigDecimal perCall = new java.math.BigDecimal("0.001").multiply(
                java.math.BigDecimal.valueOf(usage.path("prompt_tokens").asLong())).add(new java.math.BigDecimal("0.002")
                .multiply(java.math.BigDecimal.valueOf(usage.path("completion_tokens").asLong())));
        HttpResponse<String> streamed = gateway.post("/v1/chat/completions",
                "{\"model\":\"priced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key);
        assertFalse(streamed.body().contains("\"usage\""), "the caller did not ask for usage");
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode info = json(gateway.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(0, perCall.multiply(java.math.BigDecimal.TWO).compareTo(info.path("info").path("spend").decimalValue()),
                info.toString());

        JsonNode logs = json(gateway.get("/spend/logs?api_key=" + key, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(2, logs.size(), logs.toString());
        for (JsonNode row : logs) {
            assertEquals("success", row.path("status").asText());
            assertEquals("priced", row.path("model_group").asText());
            assertEquals(0, perCall.compareTo(row.path("spend").decimalValue()));
        }
        JsonNode own = json(gateway.get("/spend/logs", "Authorization", "Bearer " + key));
        assertEquals(2, own.size(), "a key sees its own rows");
        assertEquals(1, json(gateway.get("/spend/logs?page_size=1&page=2&api_key=" + key,
                "Authorization", "Bearer " + MASTER_KEY)).size());
        assertEquals(400, gateway.get("/spend/logs?start_date=2026-01-01&end_date=2026-06-01",
                "Authorization", "Bearer " + MASTER_KEY).statusCode());
    }

    @Test
    void aKeysRpmLimitAnswers429WithRetryAfterAndRateLimitHeaders() {
        String key = json(admin("/key/generate", "{\"rpm_limit\":2,\"tpm_limit\":100000}")).path("key").asText();
        HttpResponse<String> first = chat(key, "allowed");
        assertEquals(200, first.statusCode());
        assertEquals("2", first.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals("1", first.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals("100000", first.headers().firstValue("x-ratelimit-limit-tokens").orElseThrow());
        assertEquals(200, chat(key, "allowed").statusCode());
        HttpResponse<String> third = chat(key, "allowed");
        assertEquals(429, third.statusCode());
        assertEquals("rate_limit_error", json(third).path("error").path("type").asText());
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
    }

    @Test
    void regeneratingGivesANewKeyAndRetiresTheOld() {
        String old = json(admin("/key/generate", "{}")).path("key").asText();
        String fresh = json(admin("/key/" + old + "/regenerate", "")).path("key").asText();
        assertFalse(fresh.equals(old));
        assertEquals(401, chat(old, "allowed").statusCode());
        assertEquals(200, chat(fresh, "allowed").statusCode());
    }

    @Test
    void adminBodiesAreValidatedNamingTheField() {
        HttpResponse<String> response = admin("/key/generate", "{\"max_budget\":-3}");
        assertEquals(400, response.statusCode());
        assertEquals("max_budget", json(response).path("error").path("param").asText());
        assertEquals(401, gateway.post("/key/generate", "{}").statusCode());
        assertEquals(404, admin("/key/update", "{\"key\":\"sk-doesnotexist000\"}").statusCode());
    }

    @Test
    void keysSurviveARestartOfTheGateway() {
        String key = json(admin("/key/generate", "{\"models\":[\"allowed\"]}")).path("key").asText();
        gateway.close();
        gateway = RunningGateway.start(dir, """
                model_list: [{model_name: allowed, litellm_params: {model: mock/a}}]
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY));
        assertEquals(200, chat(key, "allowed").statusCode());
        assertEquals("connected", json(gateway.get("/health/readiness")).path("db").asText());
    }
}
