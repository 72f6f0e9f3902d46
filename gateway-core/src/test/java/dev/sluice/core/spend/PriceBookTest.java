package dev.sluice.core.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.Usage;
import dev.sluice.testkit.Deployments;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceBookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PriceBook book = PriceBook.shipped(JSON);

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    private BigDecimal cost(String model, Usage usage) {
        return book.priceOf(Deployments.of(model, null, null)).orElseThrow().cost(usage);
    }

    @Test
    void theShippedBookPricesTheSeedsModels() {
        for (String model : List.of("openai/gpt-5-mini", "openai/gpt-4o", "openai/gpt-4o-mini",
                "anthropic/claude-opus-4-1", "anthropic/claude-sonnet-4", "anthropic/claude-opus-4-5",
                "gemini/gemini-2.5-pro", "gemini/gemini-2.0-flash")) {
            assertTrue(book.priceOf(Deployments.of(model, null, null)).isPresent(), model);
        }
    }

    @Test
    void liteLlmsWholeMapIsShipped() {
        assertTrue(book.size() > 1800, "LiteLLM's map prices about 1,900 models by the token: " + book.size());
        // models the earlier 23-model book did not know, each under the name LiteLLM files it
        for (String model : List.of("mistral/mistral-large-latest", "deepseek/deepseek-chat", "xai/grok-3",
                "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "openai/gpt-4.1-nano", "azure/gpt-4o",
                "groq/llama-3.3-70b-versatile", "vertex_ai/gemini-2.5-flash")) {
            assertTrue(book.priceOf(Deployments.of(model, null, null)).isPresent(), model);
        }
        // gpt-4.1-nano: $0.10/M input, $0.40/M output
        assertEquals(0, usd("0.0001").add(usd("0.0004")).compareTo(cost("openai/gpt-4.1-nano",
                new Usage(1_000, 1_000, 0, 0))));
    }

    @Test
    void theMapsEntryIsWhatModelInfoShowsUnderTheNameItWasFoundBy() {
        ObjectNode info = book.knownInfo(Deployments.of("gemini/gemini-2.5-pro", null, null), JSON).orElseThrow();
        assertEquals("gemini/gemini-2.5-pro", info.path("key").asText());
        assertEquals("chat", info.path("mode").asText());
        assertTrue(info.path("max_input_tokens").asLong() > 1_000_000 - 1, info.toString());
        assertTrue(info.path("supports_function_calling").asBoolean(), info.toString());
        assertTrue(book.knownInfo(Deployments.of("openai/my-own-finetune", null, null), JSON).isEmpty());
    }

    @Test
    void aNewerMapFromTheEnvironmentWinsOverTheShippedOneAndABadOneIsIgnored() throws Exception {
        java.nio.file.Path newer = java.nio.file.Files.createTempFile("cost-map", ".json");
        try {
            java.nio.file.Files.writeString(newer, """
                    {"gpt-4o": {"input_cost_per_token": 0.001, "output_cost_per_token": 0.002, "litellm_provider": "openai"},
                     "acme/brand-new": {"input_cost_per_token": 0.01, "output_cost_per_token": 0.02}}
                    """);
            for (String url : List.of(newer.toString(), newer.toUri().toString())) {
                PriceBook fetched = CostMapSource.load(Optional.of(url), JSON);
                Usage usage = new Usage(1, 1, 0, 0);
                assertEquals(0, usd("0.003").compareTo(fetched.priceOf(Deployments.of("openai/gpt-4o", null, null))
                        .orElseThrow().cost(usage)), url);
                assertEquals(0, usd("0.03").compareTo(fetched.priceOf(Deployments.of("acme/brand-new", null, null))
                        .orElseThrow().cost(usage)), url);
                assertTrue(fetched.size() > 1800, "the shipped map stays under it");
            }
            java.nio.file.Files.writeString(newer, "not json");
            assertEquals(book.size(), CostMapSource.load(Optional.of(newer.toString()), JSON).size(),
                    "an unreadable map leaves the shipped one");
            assertEquals(book.size(), CostMapSource.load(Optional.of("http://127.0.0.1:1/map.json"), JSON).size(),
                    "so does an unreachable URL");
        } finally {
            java.nio.file.Files.deleteIfExists(newer);
        }
        assertEquals(Optional.of("https://x/map.json"), dev.sluice.core.config.ConfigLoader.parse("",
                Map.of("LITELLM_MODEL_COST_MAP_URL", "https://x/map.json")).modelCostMapUrl());
        assertEquals(Optional.empty(), dev.sluice.core.config.ConfigLoader.parse("", Map.of("LITELLM_MODEL_COST_MAP_URL",
                "https://x/map.json", "LITELLM_LOCAL_MODEL_COST_MAP", "True")).modelCostMapUrl(),
                "LiteLLM's switch for the local map");
    }

    @Test
    void aPluginsPricesComeAfterTheDeploymentsOwnAndBeforeTheShippedMap() throws Exception {
        PriceBook prices = PriceBook.shipped(JSON);
        prices.usePluginPrices(JSON.readTree("""
                {"acme/rocket-1": {"input_cost_per_token": 0.001, "output_cost_per_token": 0.002, "max_input_tokens": 4096}}
                """));
        Usage usage = new Usage(10, 5, 0, 0);
        assertEquals(0, usd("0.02").compareTo(prices.priceOf(Deployments.of("acme/rocket-1", null, null)).orElseThrow()
                .cost(usage)), "a model only the plugin prices");
        assertEquals(4096, prices.contextWindow(Deployments.of("acme/rocket-1", null, null)).getAsLong());
        ObjectNode own = JSON.createObjectNode().put("input_cost_per_token", 0).put("output_cost_per_token", 0);
        assertEquals(0, BigDecimal.ZERO.compareTo(prices.priceOf(Deployments.of("acme/rocket-1", null, null, own))
                .orElseThrow().cost(usage)), "the deployment's own price first");
        prices.usePluginPrices(JSON.createObjectNode());
        assertTrue(prices.priceOf(Deployments.of("acme/rocket-1", null, null)).isEmpty(), "gone with the plugin");
    }

    @Test
    void cachedPromptTokensAreChargedAtTheCacheReadPrice() {
        // gpt-4o: $2.50/M input, $1.25/M cached input, $10/M output
        Usage usage = new Usage(1_000, 200, 400, 0);
        assertEquals(0, usd("0.0015").add(usd("0.0005")).add(usd("0.002")).compareTo(cost("openai/gpt-4o", usage)));
    }

    @Test
    void tokensWrittenToThePromptCacheAreChargedAtTheCacheWritePrice() {
        // claude-sonnet-4: $3/M input, $0.30/M cache read, $3.75/M cache write, $15/M output
        Usage usage = new Usage(10_000, 1_000, 2_000, 0, 4_000);
        assertEquals(0, usd("0.012").add(usd("0.0006")).add(usd("0.015")).add(usd("0.015"))
                .compareTo(cost("anthropic/claude-sonnet-4", usage)), "4000 uncached + 2000 read + 4000 written + 1000 out");
    }

    @Test
    void longGeminiPromptsUseTheLongPromptPrices() {
        // gemini-2.5-pro: $1.25/M in and $10/M out up to 200k prompt tokens, $2.50/M and $15/M above
        assertEquals(0, usd("0.125").add(usd("0.01")).compareTo(cost("gemini/gemini-2.5-pro", new Usage(100_000, 1_000, 0, 0))));
        assertEquals(0, usd("0.625").add(usd("0.015")).compareTo(cost("gemini/gemini-2.5-pro", new Usage(250_000, 1_000, 0, 0))));
    }

    @Test
    void aDeploymentsOwnPricesComeFirst() {
        ObjectNode info = JSON.createObjectNode().put("input_cost_per_token", 0.001).put("output_cost_per_token", 0.002);
        Deployment custom = new Deployment("d", "g", "openai", "gpt-4o", Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), JSON.createObjectNode(), info);
        assertEquals(0, usd("0.014").compareTo(book.priceOf(custom).orElseThrow().cost(new Usage(10, 2, 0, 0))));
    }

    @Test
    void aBaseModelPricesADeploymentWhoseNameTheBookDoesNotKnow() {
        Deployment azure = new Deployment("az", "gpt-4o", "azure", "my-prod-deployment", java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), java.util.Map.of(), JSON.createObjectNode(),
                JSON.createObjectNode().put("base_model", "azure/gpt-4o"));
        assertEquals(0, cost("openai/gpt-4o", new Usage(1000, 100, 0, 0)).compareTo(
                book.priceOf(azure).orElseThrow().cost(new Usage(1000, 100, 0, 0))));
    }

    @Test
    void anUnknownModelHasNoPrice() {
        assertTrue(book.priceOf(Deployments.of("hosted_vllm/my-finetune", "http://x/v1", null)).isEmpty());
    }
}
