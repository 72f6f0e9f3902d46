package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway does for a third party's streaming plugin: one that sends the usage chunk only
 * when the request asks for it (as the plugin API reads) is asked on every stream, so a caller who
 * did not ask is charged the plugin's exact usage and never sees the chunk; and an upstream
 * connection that breaks under the plugin's reader is the upstream's retryable fault (retried on
 * another deployment before the first chunk, an error event with 503 after it), not a plugin
 * failure.
 */
class PluginStreamTest {

    /** Streams "a", "b", "c", then, only if asked, usage of 11 prompt and 3 completion tokens. */
    private static final String SOURCE = """
            package acme;

            import com.fasterxml.jackson.databind.node.ObjectNode;
            import dev.sluice.api.*;
            import java.util.Set;

            public final class LiteralProvider implements ProviderAdapter {
                @Override public Set<String> providers() { return Set.of("literal"); }
                @Override public Set<String> chatParams(Deployment deployment) { return Set.of("max_tokens"); }
                @Override public ModelResponse chat(ChatRequest request, ProviderContext context) {
                    throw ProviderAdapter.unsupported("whole answers", context);
                }
                @Override public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
                    boolean usage = request.includeUsage();
                    String mode = context.deployment().providerModel();
                    return new ChunkStream() {
                        private int sent;
                        @Override public ChatChunk next() {
                            sent++;
                            if (mode.equals("drop-first") || (mode.equals("drop-mid") && sent == 2)) {
                                throw new java.io.UncheckedIOException(new java.io.IOException("Connection reset"));
                            }
                            ObjectNode chunk = context.json().createObjectNode().put("object", "chat.completion.chunk")
                                    .put("id", "c1").put("model", "lit");
                            if (sent <= 3) {
                                chunk.putArray("choices").addObject().put("index", 0).putObject("delta")
                                        .put("content", String.valueOf((char) ('a' + sent - 1)));
                                return new ChatChunk(chunk);
                            }
                            if (sent == 4 && usage) {
                                chunk.putArray("choices");
                                chunk.set("usage", new Usage(11, 3, 0, 0).toOpenAi());
                                return new ChatChunk(chunk);
                            }
                            return null;
                        }
                        @Override public void close() { }
                    };
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void pluginsAreAlwaysAskedForUsageAndCallersSeeItOnlyIfTheyAsked() throws Exception {
        try (RunningGateway gateway = withLiteralPlugin(Map.of(), """
                model_list:
                  - model_name: lit
                    litellm_params: {model: literal/lit}
                    model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY))) {
            String unasked = stream(gateway, "");
            assertTrue(unasked.contains("\"content\":\"c\"") && unasked.trim().endsWith("[DONE]"), unasked);
            assertFalse(unasked.contains("usage"), "a caller who did not ask sees no usage: " + unasked);
            String asked = stream(gateway, ",\"stream_options\":{\"include_usage\":true}");
            assertTrue(asked.contains("\"prompt_tokens\":11"), asked);

            assertTrue(gateway.server().gateway().spend().flush());
            JsonNode logs = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
            assertEquals(2, logs.size(), logs.toString());
            for (JsonNode log : logs) {
                assertEquals(11, log.path("prompt_tokens").asInt(), "the plugin's exact usage: " + log);
                assertEquals(3, log.path("completion_tokens").asInt(), log.toString());
                assertEquals(0, new BigDecimal("0.017").compareTo(log.path("spend").decimalValue()), log.toString());
            }
        }
    }

    @Test
    void parametersAPluginDoesNotTranslateAreRefusedOrDroppedByTheGateway() throws Exception {
        try (RunningGateway gateway = withLiteralPlugin(Map.of(), """
                model_list:
                  - model_name: lit
                    litellm_params: {model: literal/lit}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY))) {
            HttpResponse<String> refused = gateway.postWithMasterKey("/v1/chat/completions", "{\"model\":\"lit\","
                    + "\"stream\":true,\"seed\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals("seed", json(refused).path("error").path("param").asText(), refused.body());
            assertTrue(stream(gateway, ",\"seed\":7,\"drop_params\":true").trim().endsWith("[DONE]"));
        }
    }

    @Test
    void aPluginPricesItsOwnModels() throws Exception {
        try (RunningGateway gateway = withLiteralPlugin(Map.of("META-INF/sluice/model_prices.json", """
                        {"literal/lit": {"input_cost_per_token": 0.001, "output_cost_per_token": 0.002,
                                         "max_input_tokens": 4096},
                         "openai/gpt-4o": {"input_cost_per_token": 0, "output_cost_per_token": 0}}
                        """), """
                model_list:
                  - model_name: lit
                    litellm_params: {model: literal/lit}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY))) {
            stream(gateway, "");
            assertTrue(gateway.server().gateway().spend().flush());
            JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
            assertEquals(0, new BigDecimal("0.017").compareTo(log.path("spend").decimalValue()),
                    "11 prompt and 3 completion tokens at the plugin's prices: " + log);
        }
    }

    @Test
    void aConnectionThatBreaksUnderThePluginIsTheUpstreamsRetryableFault() throws Exception {
        try (RunningGateway gateway = withLiteralPlugin(Map.of(), """
                model_list:
                  - model_name: flaky
                    litellm_params: {model: literal/drop-first, order: 1}
                  - model_name: flaky
                    litellm_params: {model: literal/lit, order: 2}
                  - model_name: cut
                    litellm_params: {model: literal/drop-mid}
                general_settings: {master_key: %s}
                router_settings: {num_retries: 2}
                """.formatted(MASTER_KEY))) {
            String retried = stream(gateway, "flaky", "");
            assertTrue(retried.contains("\"content\":\"c\"") && retried.trim().endsWith("[DONE]"),
                    "a drop before the first chunk is retried on the other deployment: " + retried);
            String cut = stream(gateway, "cut", "");
            assertTrue(cut.contains("\"content\":\"a\""), cut);
            assertTrue(cut.contains("\"code\":\"503\"") && cut.contains("broke off"),
                    "a drop after the first chunk ends the stream with a 503 error event: " + cut);
        }
    }

    /** @return a gateway whose plugins folder holds the literal plugin, with these resources in its jar */
    private RunningGateway withLiteralPlugin(Map<String, String> resources, String config) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(TestPluginJar.build(Files.createDirectories(dir.resolve("build")), "literal", ">=1.0.0 & <2.0.0",
                "acme.LiteralProvider", SOURCE, false, resources), plugins.resolve("literal.jar"));
        return RunningGateway.start(Files.createDirectories(dir.resolve("gw")), config, plugins, Map.of());
    }

    private static String stream(RunningGateway gateway, String extra) {
        return stream(gateway, "lit", extra);
    }

    private static String stream(RunningGateway gateway, String model, String extra) {
        HttpResponse<String> answer = gateway.postWithMasterKey("/v1/chat/completions", "{\"model\":\"" + model
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }
}
