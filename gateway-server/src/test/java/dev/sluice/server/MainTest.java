package dev.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    @Test
    void flagsAreParsedWithDefaults() {
        ServerOptions options = Main.parse(new String[] {"--config", "c.yaml"}).orElseThrow();
        assertEquals(Path.of("c.yaml"), options.config());
        assertEquals(4000, options.port());
        assertEquals("0.0.0.0", options.host());
        ServerOptions custom = Main.parse(new String[] {"--config", "c.yaml", "--port", "8080", "--plugins-dir", "p",
                "--data-dir", "d", "--host", "127.0.0.1"}).orElseThrow();
        assertEquals(8080, custom.port());
        assertEquals(Path.of("p"), custom.pluginsDir());
        assertEquals(Path.of("d"), custom.dataDir());
    }

    @Test
    void migrateOnlyBringsTheSchemaUpToDateAndStartsNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "general_settings: {master_key: sk-m}\n");
        Path data = dir.resolve("data");
        ServerOptions options = Main.parse(new String[] {"--config", config.toString(), "--data-dir", data.toString()})
                .orElseThrow();
        assertEquals(0, Main.migrate(options));
        try (var database = dev.sluice.core.store.Database.open(java.util.Optional.empty(), data)) {
            int rows = database.jdbi().withHandle(handle -> handle.createQuery("select count(*) from sluice_daily_spend")
                    .mapTo(Integer.class).one());
            assertEquals(0, rows, "the newest migration's table is there");
        }
        Files.writeString(config, "general_settings: {master_key: not-sk}\n");
        assertEquals(1, Main.migrate(options), "an invalid config fails the step");
    }

    @Test
    void helpAndMistakesAreExplained() {
        assertTrue(Main.parse(new String[] {"--help"}).isEmpty());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[0]))
                .getMessage().contains("--config"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Main.parse(new String[] {"--config", "c", "--port", "http"})).getMessage().contains("--port"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Main.parse(new String[] {"--config", "c", "--port", "70000"})).getMessage().contains("65535"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Main.parse(new String[] {"--config", "c", "--colour", "x"})).getMessage().contains("--colour"));
    }

    @Test
    void anInvalidConfigStopsStartUpNamingThePath() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), """
                model_list:
                  - model_name: ok
                    litellm_params: {model: mock/ok}
                  - model_name: vllm
                    litellm_params: {model: hosted_vllm/llama}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> SluiceServer.start(
                new ServerOptions(config, "127.0.0.1", 0, RunningGateway.DIST_PLUGINS, dir.resolve("data")), Map.of()));
        assertTrue(e.getMessage().startsWith("model_list[1].litellm_params: api_base is required"), e.getMessage());
    }

    @Test
    void theShippedConfigsLoadAndTheQuickstartAnswersOffline() throws Exception {
        for (Path shipped : new Path[] {Path.of("..", "config", "quickstart.yaml"), Path.of("..", "config", "example.yaml")}) {
            dev.sluice.core.config.ConfigLoader.load(shipped, Map.of());
        }
        try (SluiceServer server = SluiceServer.start(new ServerOptions(Path.of("..", "config", "quickstart.yaml"),
                "127.0.0.1", 0, RunningGateway.DIST_PLUGINS, dir.resolve("data")), Map.of())) {
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer sk-1234")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("mock response"), response.body());
        }
    }
}
