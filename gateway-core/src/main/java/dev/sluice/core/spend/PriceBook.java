package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Deployment;
import dev.sluice.api.TokenPrice;
import dev.sluice.core.routing.DeploymentFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-token prices by model name, from a file in the format of LiteLLM's
 * {@code model_prices_and_context_window.json} ({@code config/model_prices.json} is shipped). A
 * deployment's own {@code input_cost_per_token} / {@code output_cost_per_token}, in
 * {@code model_info} or {@code litellm_params}, come first. It also knows each model's context
 * window ({@code max_input_tokens}), for the router's pre-call checks.
 */
public final class PriceBook implements DeploymentFacts {

    private final Map<String, ModelPrice> prices;
    private final Map<String, Long> contextWindows;
    /** Prices the provider plugins ship for their own models, by {@code provider/model}. */
    private volatile PriceBook fromPlugins;

    private PriceBook(Map<String, ModelPrice> prices, Map<String, Long> contextWindows) {
        this.prices = Map.copyOf(prices);
        this.contextWindows = Map.copyOf(contextWindows);
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
        return of(json.readTree(in));
    }

    private static PriceBook of(JsonNode priceMap) {
        Map<String, ModelPrice> prices = new HashMap<>();
        Map<String, Long> contextWindows = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : priceMap.properties()) {
            if (entry.getValue().isObject()) {
                ModelPrice.from(entry.getValue()).ifPresent(price -> prices.put(entry.getKey(), price));
                positive(entry.getValue().get("max_input_tokens"))
                        .ifPresent(tokens -> contextWindows.put(entry.getKey(), tokens));
            }
        }
        return new PriceBook(prices, contextWindows);
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
        PriceBook plugins = fromPlugins;
        return ModelPrice.from(deployment.modelInfo())
                .or(() -> ModelPrice.from(deployment.extraParams()))
                .or(() -> plugins == null ? Optional.empty() : plugins.find(List.of(deployment.qualifiedModel())))
                .or(() -> find(names(deployment)));
    }

    /**
     * Uses the prices the provider plugins ship (a LiteLLM-format map each, keys
     * {@code provider/model} of a provider the plugin serves): after a deployment's own price and
     * before the shipped map's, since a vendor's plugin knows its prices best.
     *
     * @param priceMap the plugins' entries, merged
     */
    public void usePluginPrices(JsonNode priceMap) {
        fromPlugins = of(priceMap);
    }

    /**
     * The names a deployment's model goes by in the book: {@code model_info.base_model} first (as
     * in LiteLLM, for Azure deployment names and Bedrock model ids that name no model the book
     * knows), then the upstream model, {@code provider/model}, and the model group.
     */
    private static List<String> names(Deployment deployment) {
        String base = deployment.modelInfo().path("base_model").asText("");
        List<String> names = List.of(deployment.providerModel(), deployment.qualifiedModel(), deployment.modelGroup());
        return base.isBlank() ? names : java.util.stream.Stream.concat(java.util.stream.Stream.of(base,
                base.substring(base.indexOf('/') + 1)), names.stream()).toList();
    }

    @Override
    public Optional<TokenPrice> price(Deployment deployment) {
        return priceOf(deployment).map(price -> new TokenPrice(price.input().doubleValue(), price.output().doubleValue()));
    }

    /**
     * @return the deployment's {@code model_info.max_input_tokens}, else the book's for its
     *         upstream model, else its {@code model_info.max_tokens}
     */
    @Override
    public OptionalLong contextWindow(Deployment deployment) {
        Optional<Long> window = positive(deployment.modelInfo().get("max_input_tokens"));
        PriceBook plugins = fromPlugins;
        if (plugins != null) {
            window = window.or(() -> Optional.ofNullable(plugins.contextWindows.get(deployment.qualifiedModel())));
        }
        for (String name : names(deployment)) {
            window = window.or(() -> Optional.ofNullable(contextWindows.get(name)));
        }
        window = window.or(() -> positive(deployment.modelInfo().get("max_tokens")));
        return window.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private static Optional<Long> positive(JsonNode value) {
        return value != null && value.canConvertToLong() && value.asLong() > 0 ? Optional.of(value.asLong())
                : Optional.empty();
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
