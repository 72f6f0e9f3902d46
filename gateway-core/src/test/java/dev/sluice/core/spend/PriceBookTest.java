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
