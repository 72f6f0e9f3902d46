package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoAndHealthTest {

    private static final String AUTH = "Bearer " + MASTER_KEY;

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi();
        gateway = RunningGateway.start(dir, config(false));
    }

    private String config(boolean openHealth) {
        return """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: "%s/v1"
                      api_key: sk-very-secret-provider-key
                      aws_secret_access_key: also-secret
                      rpm: 60
                    model_info: {id: d-openai, mode: chat, input_cost_per_token: 0.00000015}
                  - model_name: local-mock
                    litellm_params: {model: mock/echo, mock_response: ok}
                    model_info: {id: d-mock}
                  - model_name: embed
                    litellm_params: {model: mock/embed}
                    model_info: {id: d-embed, mode: embedding}
                general_settings: {master_key: %s, disable_auth_on_health_endpoint: %s}
                router_settings:
                  model_group_alias: {mini: gpt-4o-mini, internal: {model: local-mock, hidden: true}}
                """.formatted(upstream.baseUri(), MASTER_KEY, openHealth);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void modelsListsTheGroupsForAKey() {
        assertEquals(401, gateway.get("/v1/models").statusCode());
        JsonNode models = json(gateway.get("/v1/models", "Authorization", AUTH));
        assertEquals("list", models.path("object").asText());
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(model -> ids.add(model.path("id").asText()));
        assertEquals(List.of("gpt-4o-mini", "local-mock", "embed", "mini"), ids, "a hidden alias is not listed");
        assertEquals("model", models.path("data").path(0).path("object").asText());
        assertEquals(200, gateway.get("/models", "Authorization", AUTH).statusCode());
        assertEquals("embed", json(gateway.get("/v1/models/embed", "Authorization", AUTH)).path("id").asText());
        assertEquals(404, gateway.get("/v1/models/none", "Authorization", AUTH).statusCode());
        assertEquals("internal", json(gateway.get("/v1/models/internal", "Authorization", AUTH)).path("id").asText());
    }

    @Test
    void modelInfoDescribesDeploymentsWithoutSecrets() {
        HttpResponse<String> response = gateway.get("/model/info", "Authorization", AUTH);
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains("sk-very-secret-provider-key"), response.body());
        assertFalse(response.body().contains("also-secret"), response.body());
        JsonNode first = json(response).path("data").path(0);
        assertEquals("gpt-4o-mini", first.path("model_name").asText());
        assertEquals("openai/gpt-4o-mini", first.path("litellm_params").path("model").asText());
        assertEquals(60, first.path("litellm_params").path("rpm").asInt());
        assertEquals("d-openai", first.path("model_info").path("id").asText());
        assertEquals(1.5e-7, first.path("model_info").path("input_cost_per_token").asDouble());
        JsonNode one = json(gateway.get("/v1/model/info?litellm_model_id=d-mock", "Authorization", AUTH));
        assertEquals(1, one.path("data").size());
        assertEquals("local-mock", one.path("data").path(0).path("model_name").asText());
    }

    @Test
    void probesArePublic() {
        HttpResponse<String> alive = gateway.get("/health/liveliness");
        assertEquals(200, alive.statusCode());
        assertEquals("I'm alive!", json(alive).asText());
        assertEquals(200, gateway.get("/health/liveness").statusCode());
        JsonNode ready = json(gateway.get("/health/readiness"));
        assertEquals("healthy", ready.path("status").asText());
        assertTrue(ready.has("db") && ready.has("cache") && ready.has("litellm_version"), ready.toString());
        assertEquals(23, ready.path("plugins").size(), "seven providers, virtual keys, two caches, five routing policies, "
                + "four loggers, the alert channels, three guardrails");
    }

    @Test
    void healthCallsEveryDeploymentAndNeedsAKey() {
        assertEquals(401, gateway.get("/health").statusCode());
        upstream.failNext(500, null);
        JsonNode health = json(gateway.get("/health", "Authorization", AUTH));
        assertEquals(2, health.path("healthy_count").asInt(), health.toString());
        assertEquals(1, health.path("unhealthy_count").asInt());
        JsonNode unhealthy = health.path("unhealthy_endpoints").path(0);
        assertEquals("openai/gpt-4o-mini", unhealthy.path("model").asText());
        assertEquals(upstream.baseUri() + "/v1", unhealthy.path("api_base").asText());
        assertTrue(unhealthy.path("error").asText().contains("server had an error"), unhealthy.toString());
        assertFalse(health.toString().contains("sk-very-secret"));
    }

    @Test
    void healthIsPublicWhenConfiguredSo() {
        gateway.close();
        gateway = RunningGateway.start(dir, config(true));
        assertEquals(3, json(gateway.get("/health")).path("healthy_count").asInt());
    }
}
