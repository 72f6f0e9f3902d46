package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-token prices by model name, from a file in the format of LiteLLM's
 * {@code model_prices_and_context_window.json} ({@code config/model_prices.json} is shipped). A
 * deployment's own {@code input_cost_per_token} / {@code output_cost_per_token}, in
 * {@code model_info} or {@code litellm_params}, come first.
 */
public final class PriceBook {

    private final Map<String, ModelPrice> prices;

    private PriceBook(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    /** @return the price book the gateway ships */
    public static PriceBook shipped(ObjectMapper json) {
        try (InputStream in = PriceBook.class.getResourceAsStream("model_prices.json")) {
            if (in == null) {
                throw new IllegalStateException("model_prices.json is missing from the gateway's jar");
            }
            return read(in, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the price book in a LiteLLM-format price map */
    public static PriceBook read(InputStream in, ObjectMapper json) throws IOException {
        Map<String, ModelPrice> prices = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.readTree(in).properties()) {
            if (entry.getValue().isObject()) {
                ModelPrice.from(entry.getValue()).ifPresent(price -> prices.put(entry.getKey(), price));
            }
        }
        return new PriceBook(prices);
    }

    /** @return how many models have a price */
    public int size() {
        return prices.size();
    }

    /**
     * @return the price of a deployment's calls: its own, else the book's for its upstream model
     *         (as {@code model}, then {@code provider/model}), else the book's for its model group
     */
    public Optional<ModelPrice> priceOf(Deployment deployment) {
        return ModelPrice.from(deployment.modelInfo())
                .or(() -> ModelPrice.from(deployment.extraParams()))
                .or(() -> find(List.of(deployment.providerModel(), deployment.qualifiedModel(), deployment.modelGroup())));
    }

    private Optional<ModelPrice> find(List<String> names) {
        for (String name : names) {
            ModelPrice price = prices.get(name);
            if (price != null) {
                return Optional.of(price);
            }
        }
        return Optional.empty();
    }
}
