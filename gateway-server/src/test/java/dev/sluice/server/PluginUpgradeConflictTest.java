package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades that must not take a model down, and plugins that must not quietly take over another's
 * models: a jar built for another plugin API, or a truncated one, dropped over a working plugin is
 * refused and the working version serves on (and /plugins says so); a second file with the same
 * plugin id, or a plugin claiming a provider another serves, is refused loudly while the one
 * serving serves on; at a restart with both in the folder, neither is served.
 */
class PluginUpgradeConflictTest {

    @TempDir
    Path dir;

    @Test
    void aRefusedUpgradeKeepsTheLastGoodVersionAndConflictsAreRefused() throws Exception {
        Path plugins = TestPluginJar.folderWithShippedPlugins(dir);
        Path good = build("good", "hot-echo", ">=1.0.0 & <2.0.0", "hotecho", "one");
        Path forApi2 = build("api2", "hot-echo", ">=2.0.0", "hotecho", "two");
        Path twin = build("twin", "hot-echo", ">=1.0.0 & <2.0.0", "hotecho", "twin");
        Path impostor = build("impostor", "impostor", ">=1.0.0 & <2.0.0", "mock", "impostor");
        String config = """
                model_list:
                  - {model_name: steady, litellm_params: {model: mock/steady, mock_response: steady}}
                  - {model_name: hot, litellm_params: {model: hotecho/v1}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY);

        try (RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gw")), config, plugins,
                Map.of())) {
            TestPluginJar.install(good, plugins.resolve("hot-echo.jar"));
            awaitReply(gateway, "hot", "one: ping");

            TestPluginJar.install(forApi2, plugins.resolve("hot-echo.jar"));
            JsonNode refused = awaitPluginProblem(gateway, "hot-echo.jar", "refused");
            assertEquals("started", refused.path("state").asText(), refused.toString());
            assertTrue(refused.path("problem").asText().contains("last good version"), refused.toString());
            assertEquals("one: ping", reply(chat(gateway, "hot")), "the last good version serves on");

            byte[] whole = Files.readAllBytes(good);
            Path truncated = dir.resolve("truncated.jar");
            Files.write(truncated, Arrays.copyOf(whole, whole.length / 3));
            TestPluginJar.install(truncated, plugins.resolve("hot-echo.jar"));
            JsonNode corrupt = awaitPluginProblem(gateway, "hot-echo.jar", "failed");
            assertTrue(corrupt.path("problem").asText().contains("not a readable jar"),
                    "the cause in one line, not PF4J's 'No PluginDescriptorFinder': " + corrupt);
            assertEquals("one: ping", reply(chat(gateway, "hot")), "a truncated jar does not take the model down");

            TestPluginJar.install(twin, plugins.resolve("hot-echo-2.0.0.jar"));
            JsonNode conflict = awaitPluginState(gateway, "hot-echo-2.0.0.jar", "conflict");
            assertTrue(conflict.path("problem").asText().contains("more than one file"), conflict.toString());
            assertEquals("one: ping", reply(chat(gateway, "hot")), "the serving version serves on");

            TestPluginJar.install(impostor, plugins.resolve("aaa-impostor.jar"));
            JsonNode taken = awaitPluginState(gateway, "aaa-impostor.jar", "conflict");
            assertTrue(taken.path("problem").asText().contains("provider 'mock'"), taken.toString());
            assertEquals("steady", reply(chat(gateway, "steady")), "the mock provider's plugin keeps its models");
        }

        // After a restart nobody serves: which claimant wins may not depend on file names.
        try (RunningGateway restarted = RunningGateway.start(Files.createDirectories(dir.resolve("gw2")), config,
                plugins, Map.of())) {
            assertEquals(503, chat(restarted, "steady").statusCode(), "neither claimant of mock/ is served");
            assertEquals("conflict", plugin(restarted, "aaa-impostor.jar").path("state").asText());
            assertEquals("conflict", plugin(restarted, "sluice-provider-mock.jar").path("state").asText());
        }
    }

    /** Answers "<greeting>: <what was said>", its greeting from plugin_settings; "%s" may demand a region too. */
    private static final String CONFIGURED_SOURCE = """
            package acme;

            import com.fasterxml.jackson.databind.node.ObjectNode;
            import dev.sluice.api.*;
            import java.util.Set;

            public final class ConfiguredEcho implements ProviderAdapter, Configurable {
                private String greeting;
                @Override public void configure(PluginSettings settings) {
                    greeting = settings.text("greeting").orElseThrow(() -> settings.invalid("greeting", "is required"));
                    if (%s && !settings.has("region")) {
                        throw settings.invalid("region", "is required since version 2");
                    }
                }
                @Override public Set<String> providers() { return Set.of("configured"); }
                @Override public ModelResponse chat(ChatRequest request, ProviderContext context) {
                    String said = request.messages().get(0).path("content").asText();
                    return ModelResponse.chat(context, greeting + ": " + said, "stop", new Usage(1, 1, 0, 0));
                }
                @Override public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
                    throw ProviderAdapter.unsupported("streaming", context);
                }
            }
            """;

    @Test
    void pluginsTakeTheirSettingsFromConfigAndAnUpgradeThatRefusesThemKeepsTheLastGoodVersion() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path v1 = TestPluginJar.build(Files.createDirectories(dir.resolve("v1")), "configured-echo", ">=1.3.0 & <2.0.0",
                "acme.ConfiguredEcho", CONFIGURED_SOURCE.formatted("false"), false);
        Path v2 = TestPluginJar.build(Files.createDirectories(dir.resolve("v2")), "configured-echo", ">=1.3.0 & <2.0.0",
                "acme.ConfiguredEcho", CONFIGURED_SOURCE.formatted("true"), false);
        TestPluginJar.install(v1, plugins.resolve("configured-echo.jar"));
        String config = """
                model_list:
                  - {model_name: greeter, litellm_params: {model: configured/any}}
                general_settings: {master_key: %s}
                plugin_settings:
                  configured-echo: {greeting: os.environ/ECHO_GREETING}
                """.formatted(MASTER_KEY);
        try (RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gw")), config, plugins,
                Map.of("ECHO_GREETING", "bonjour"))) {
            assertEquals("bonjour: ping", reply(chat(gateway, "greeter")), "the setting, its variable resolved");

            TestPluginJar.install(v2, plugins.resolve("configured-echo.jar"));
            JsonNode refused = awaitPluginProblem(gateway, "configured-echo.jar", "settings were refused");
            assertTrue(refused.path("problem").asText().contains("plugin_settings.configured-echo.region"),
                    "names the setting: " + refused);
            assertEquals("started", refused.path("state").asText(), refused.toString());
            assertEquals("bonjour: ping", reply(chat(gateway, "greeter")), "version 1 serves on");
            assertTrue(!gateway.get("/plugins", "Authorization", "Bearer " + MASTER_KEY).body().contains("bonjour"),
                    "settings' values are never shown (they may be secrets)");
        }

        // Started without its settings, the plugin is failed, saying which one it needs.
        try (RunningGateway bare = RunningGateway.start(Files.createDirectories(dir.resolve("gw2")), """
                model_list:
                  - {model_name: greeter, litellm_params: {model: configured/any}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY), plugins, Map.of())) {
            JsonNode failed = plugin(bare, "configured-echo.jar");
            assertEquals("failed", failed.path("state").asText(), failed.toString());
            assertTrue(failed.path("problem").asText().contains("plugin_settings.configured-echo.greeting: is required"),
                    failed.toString());
            assertEquals(503, chat(bare, "greeter").statusCode());
        }
    }

    private Path build(String folder, String pluginId, String requires, String provider, String reply) throws Exception {
        return TestPluginJar.build(Files.createDirectories(dir.resolve(folder)), pluginId, requires, "acme.EchoProvider",
                TestPluginJar.ECHO_SOURCE.formatted(provider, reply), false);
    }

    private static HttpResponse<String> chat(RunningGateway gateway, String model) {
        return gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}");
    }

    private static String reply(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer).path("choices").path(0).path("message").path("content").asText();
    }

    /** Polls (the folder is scanned every second, a file acted on once it has been still for two scans). */
    private static void awaitReply(RunningGateway gateway, String model, String expected) throws Exception {
        String last = "";
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> answer = chat(gateway, model);
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200 && expected.equals(reply(answer))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + expected + "' within 15 s; last answer: " + last);
    }

    private static JsonNode awaitPluginProblem(RunningGateway gateway, String file, String word) throws Exception {
        return awaitPlugin(gateway, file, "problem", problem -> problem.contains(word));
    }

    private static JsonNode awaitPluginState(RunningGateway gateway, String file, String state) throws Exception {
        return awaitPlugin(gateway, file, "state", state::equals);
    }

    /** Polls /plugins until the file's plugin has a field as expected (the folder is scanned every second). */
    private static JsonNode awaitPlugin(RunningGateway gateway, String file, String field,
                                        java.util.function.Predicate<String> expected) throws Exception {
        for (int i = 0; i < 300; i++) {
            JsonNode plugin = plugin(gateway, file);
            if (expected.test(plugin.path(field).asText())) {
                return plugin;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " never showed the expected " + field + ": " + plugin(gateway, file));
    }

    private static JsonNode plugin(RunningGateway gateway, String file) {
        for (JsonNode plugin : json(gateway.get("/plugins", "Authorization", "Bearer " + MASTER_KEY)).path("plugins")) {
            if (plugin.path("file").asText().endsWith(file)) {
                return plugin;
            }
        }
        return json(gateway.get("/plugins", "Authorization", "Bearer " + MASTER_KEY));
    }
}
