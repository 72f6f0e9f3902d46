package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model the config prices nowhere is priced from LiteLLM's shipped map, and /model/info shows the map's entry. */
class CostMapEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aModelTheConfigDoesNotPriceIsPricedFromLiteLlmsMap() {
        try (FakeOpenAi upstream = new FakeOpenAi();
             RunningGateway gateway = RunningGateway.start(dir, """
                     model_list:
                       - model_name: nano
                         litellm_params: {model: openai/gpt-4.1-nano, api_base: "%s/v1", api_key: sk-up}
                         model_info: {max_input_tokens: 5000}
                     general_settings: {master_key: %s}
                     """.formatted(upstream.baseUri(), MASTER_KEY))) {
            JsonNode answer = json(gateway.postWithMasterKey("/v1/chat/completions",
                    "{\"model\":\"nano\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            long prompt = answer.path("usage").path("prompt_tokens").asLong();
            long completion = answer.path("usage").path("completion_tokens").asLong();
            BigDecimal expected = new BigDecimal("0.0000001").multiply(BigDecimal.valueOf(prompt))
                    .add(new BigDecimal("0.0000004").multiply(BigDecimal.valueOf(completion)));
            assertEquals(true, gateway.server().gateway().spend().flush());
            JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
            assertEquals(0, expected.compareTo(log.path("spend").decimalValue()),
                    "gpt-4.1-nano at LiteLLM's $0.10/M in, $0.40/M out: " + log);

            JsonNode info = json(gateway.get("/model/info", "Authorization", "Bearer " + MASTER_KEY))
                    .path("data").path(0).path("model_info");
            assertEquals("gpt-4.1-nano", info.path("key").asText(), info.toString());
            assertEquals(0, new BigDecimal("0.0000001").compareTo(info.path("input_cost_per_token").decimalValue()));
            assertEquals("chat", info.path("mode").asText());
            assertEquals("openai", info.path("litellm_provider").asText());
            assertEquals(5000, info.path("max_input_tokens").asLong(), "the deployment's own model_info wins");
        }
    }
}
