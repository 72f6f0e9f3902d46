package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Usage;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model costs per token, in USD, read from LiteLLM's price-map fields.
 *
 * @param input          {@code input_cost_per_token}
 * @param output         {@code output_cost_per_token}
 * @param cacheRead      {@code cache_read_input_token_cost}; the input price where none is given
 * @param cacheWrite     {@code cache_creation_input_token_cost}; the input price where none is given
 * @param inputAbove200k {@code input_cost_per_token_above_200k_tokens}, for long prompts
 * @param outputAbove200k {@code output_cost_per_token_above_200k_tokens}
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
                         Optional<BigDecimal> inputAbove200k, Optional<BigDecimal> outputAbove200k) {

    private static final long LONG_PROMPT = 200_000;

    /** @throws NullPointerException if a part is null */
    public ModelPrice {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cacheRead, "cacheRead");
        Objects.requireNonNull(cacheWrite, "cacheWrite");
        Objects.requireNonNull(inputAbove200k, "inputAbove200k");
        Objects.requireNonNull(outputAbove200k, "outputAbove200k");
    }

    /** @return the price in a price-map entry (or a {@code model_info}), if it names an input price */
    static Optional<ModelPrice> from(JsonNode entry) {
        Optional<BigDecimal> input = decimal(entry, "input_cost_per_token");
        if (input.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ModelPrice(input.get(), decimal(entry, "output_cost_per_token").orElse(BigDecimal.ZERO),
                decimal(entry, "cache_read_input_token_cost").orElse(input.get()),
                decimal(entry, "cache_creation_input_token_cost").orElse(input.get()),
                decimal(entry, "input_cost_per_token_above_200k_tokens"),
                decimal(entry, "output_cost_per_token_above_200k_tokens")));
    }

    /**
     * The exact cost of a call: uncached prompt tokens at the input price, cached ones at the
     * cache-read price, ones written to the cache at the cache-write price, completion tokens
     * (reasoning included) at the output price; prompts over 200k tokens at the long-prompt prices
     * where the model has them.
     */
    public BigDecimal cost(Usage usage) {
        boolean longPrompt = usage.promptTokens() > LONG_PROMPT;
        BigDecimal inputPrice = longPrompt ? inputAbove200k.orElse(input) : input;
        BigDecimal outputPrice = longPrompt ? outputAbove200k.orElse(output) : output;
        long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
        long written = Math.min(usage.cacheWriteTokens(), usage.promptTokens() - cached);
        return inputPrice.multiply(BigDecimal.valueOf(usage.promptTokens() - cached - written))
                .add(cacheRead.multiply(BigDecimal.valueOf(cached)))
                .add(cacheWrite.multiply(BigDecimal.valueOf(written)))
                .add(outputPrice.multiply(BigDecimal.valueOf(usage.completionTokens())));
    }

    private static Optional<BigDecimal> decimal(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isNumber() ? Optional.of(value.decimalValue()) : Optional.empty();
    }
}
