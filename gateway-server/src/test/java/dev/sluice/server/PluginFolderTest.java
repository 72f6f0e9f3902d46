package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

    @TempDir
    Path dir;

    @Test
    void aPluginBuiltAgainstTheApiAloneIsLoadedFromTheFolderAndServesItsModels() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.copy(TestPluginJar.build(build, "acme-echo", ">=1.0.0 & <2.0.0", "acme.EchoProvider",
                TestPluginJar.ECHO_SOURCE.formatted("echo", "echo"), true), plugins.resolve("acme-echo.jar"));
        Files.copy(TestPluginJar.build(build, "acme-future", ">=2.0.0 & <3.0.0", "acme.EchoProvider",
                TestPluginJar.ECHO_SOURCE.formatted("future", "echo"), false), plugins.resolve("acme-future.jar"));
        try (RunningGateway gateway = RunningGateway.start(dir, """
                model_list:
                  - {model_name: echo-model, litellm_params: {model: echo/v1}}
                  - {model_name: future-model, litellm_params: {model: future/v2}}
                  - {model_name: claude, litellm_params: {model: anthropic/claude-sonnet-4}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY), plugins, Map.of())) {

            HttpResponse<String> echoed = gateway.postWithMasterKey("/v1/chat/completions", CHAT.formatted("echo-model"));
            assertEquals(200, echoed.statusCode(), echoed.body());
            assertEquals("echo: ping", json(echoed).path("choices").path(0).path("message").path("content").asText());

            JsonNode ready = json(gateway.get("/health/readiness"));
            JsonNode echo = plugin(ready, "acme-echo");
            assertEquals("started", echo.path("state").asText());
            JsonNode future = plugin(ready, "acme-future");
            assertEquals("refused", future.path("state").asText());
            assertTrue(future.path("problem").asText().contains(">=2.0.0 & <3.0.0")
                    && future.path("problem").asText().contains("plugin API " + dev.sluice.api.PluginApi.version()), future.toString());
            assertEquals(2, ready.path("deployments_without_plugin").size(), ready.toString());

            HttpResponse<String> unserved = gateway.postWithMasterKey("/v1/chat/completions", CHAT.formatted("claude"));
            assertEquals(503, unserved.statusCode());
            assertTrue(json(unserved).path("error").path("message").asText().contains("provider-anthropic"));

            JsonNode health = json(gateway.get("/health", "Authorization", "Bearer " + MASTER_KEY));
            assertEquals(1, health.path("healthy_count").asInt(), health.toString());
            assertEquals(2, health.path("unhealthy_count").asInt());

            JsonNode listed = json(gateway.get("/plugins", "Authorization", "Bearer " + MASTER_KEY));
            assertEquals("started", plugin(listed, "acme-echo").path("state").asText(), listed.toString());
            assertEquals("refused", plugin(listed, "acme-future").path("state").asText());
            assertEquals(dev.sluice.api.PluginApi.version(), listed.path("plugin_api_version").asText());
        }
    }

    @Test
    void theFirstPartyPluginsAreNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.sluice.plugins.openai.OpenAiProvider"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.sluice.plugins.mock.MockProvider"));
        assertTrue(Files.exists(RunningGateway.DIST_PLUGINS.resolve("sluice-provider-openai.jar")));
    }

    @Test
    void aMissingPluginsFolderStartsAGatewayThatExplainsItself() {
        try (RunningGateway gateway = RunningGateway.start(dir, """
                model_list: [{model_name: m, litellm_params: {model: mock/m}}]
                """, dir.resolve("no-such-folder"), Map.of())) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("m"));
            assertEquals(503, response.statusCode());
            assertTrue(json(response).path("error").path("message").asText().contains("provider-mock"));
        }
    }

    private static JsonNode plugin(JsonNode ready, String id) {
        for (JsonNode plugin : ready.path("plugins")) {
            if (plugin.path("id").asText().equals(id)) {
                return plugin;
            }
        }
        throw new AssertionError("no plugin " + id + " in " + ready);
    }

    @Test
    void aRoutingStrategyWhosePluginIsMissingStopsStartUpNamingThePlugin() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("no-routing-plugins"));
        dev.sluice.core.config.ConfigException e = assertThrows(dev.sluice.core.config.ConfigException.class,
                () -> RunningGateway.start(dir, """
                        model_list: [{model_name: m, litellm_params: {model: mock/m}}]
                        router_settings: {routing_strategy: latency-based-routing}
                        """, plugins, Map.of()));
        assertEquals("router_settings.routing_strategy: no loaded plugin provides 'latency-based-routing' (loaded: []); "
                + "put the routing-latency plugin in the plugins folder", e.getMessage());
    }
}
