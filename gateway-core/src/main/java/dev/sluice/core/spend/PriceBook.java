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
 * Per-token prices, context windows and what else LiteLLM's model cost map says of each model,
 * by model name: LiteLLM's {@code model_prices_and_context_window.json} as shipped (about 2,300
 * models, {@code config/model_prices_and_context_window.json}), under a newer map fetched at
 * start from {@code LITELLM_MODEL_COST_MAP_URL} when one is set ({@link CostMapSource}), under
 * Sluice's own additions ({@code config/model_prices.json}). A deployment's own
 * {@code input_cost_per_token} / {@code output_cost_per_token}, in {@code model_info} or
 * {@code litellm_params}, come first, then what its provider's plugin ships.
 */
public final class PriceBook implements DeploymentFacts {

    private final Map<String, ModelPrice> prices;
    private final Map<String, Long> contextWindows;
    /** Each model's whole map entry, as JSON bytes (read only for /model/info, so kept compact). */
    private final Map<String, byte[]> entries;
    /** Prices the provider plugins ship for their own models, by {@code provider/model}. */
    private volatile PriceBook fromPlugins;

    private PriceBook(Map<String, ModelPrice> prices, Map<String, Long> contextWindows, Map<String, byte[]> entries) {
        this.prices = Map.copyOf(prices);
        this.contextWindows = Map.copyOf(contextWindows);
        this.entries = Map.copyOf(entries);
    }

    /** @return the price book the gateway ships: LiteLLM's map under Sluice's additions */
    public static PriceBook shipped(ObjectMapper json) {
        return of(List.of(resource("model_prices_and_context_window.json", json), resource("model_prices.json", json)),
                json);
    }

    /**
     * @param newer a newer LiteLLM map (fetched at start), laid over the shipped one
     * @return the shipped price book with the newer map's entries winning over LiteLLM's shipped ones
     */
    public static PriceBook shippedUnder(JsonNode newer, ObjectMapper json) {
        return of(List.of(resource("model_prices_and_context_window.json", json), newer,
                resource("model_prices.json", json)), json);
    }

    /** @return the price book in a LiteLLM-format price map */
    public static PriceBook read(InputStream in, ObjectMapper json) throws IOException {
        return of(List.of(json.readTree(in)), json);
    }

    private static JsonNode resource(String name, ObjectMapper json) {
        try (InputStream in = PriceBook.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the gateway's jar");
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param maps LiteLLM-format maps, later ones winning per model */
    private static PriceBook of(List<JsonNode> maps, ObjectMapper json) {
        Map<String, ModelPrice> prices = new HashMap<>();
        Map<String, Long> contextWindows = new HashMap<>();
        Map<String, byte[]> entries = new HashMap<>();
        for (JsonNode priceMap : maps) {
            for (Map.Entry<String, JsonNode> entry : priceMap.properties()) {
                if (!entry.getValue().isObject() || entry.getKey().equals("sample_spec")) {
                    continue;
                }
                ModelPrice.from(entry.getValue()).ifPresent(price -> prices.put(entry.getKey(), price));
                positive(entry.getValue().get("max_input_tokens"))
                        .ifPresent(tokens -> contextWindows.put(entry.getKey(), tokens));
                try {
                    entries.put(entry.getKey(), json.writeValueAsBytes(entry.getValue()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new PriceBook(prices, contextWindows, entries);
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

    /** @return the map's entry under the first of the names it has */
    Optional<JsonNode> entry(List<String> names) {
        for (String name : names) {
            byte[] entry = entries.get(name);
            if (entry != null) {
                try {
                    return Optional.of(new ObjectMapper().readTree(entry));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param provider a provider prefix, e.g. {@code anthropic}
     * @param model    the model as the vendor names it
     * @return the book's price for it, as {@code provider/model}, else as {@code model}: for calls
     *         that name a vendor's model but no deployment (pass-through)
     */
    public Optional<ModelPrice> priceOf(String provider, String model) {
        PriceBook plugins = fromPlugins;
        String qualified = provider + "/" + model;
        return (plugins == null ? Optional.<ModelPrice>empty() : plugins.find(List.of(qualified)))
                .or(() -> find(List.of(qualified, model)));
    }

    /**
     * Uses the prices the provider plugins ship (a LiteLLM-format map each, keys
     * {@code provider/model} of a provider the plugin serves): after a deployment's own price and
     * before the shipped map's, since a vendor's plugin knows its prices best.
     *
     * @param priceMap the plugins' entries, merged
     */
    public void usePluginPrices(JsonNode priceMap) {
        fromPlugins = of(List.of(priceMap), new ObjectMapper());
    }

    /**
     * @return what the map says of the deployment's model (LiteLLM's {@code model_info} fields:
     *         prices, limits, {@code mode}, {@code supports_*}) and the name it was found under as
     *         {@code key}; empty when the map does not know the model
     */
    @Override
    public Optional<com.fasterxml.jackson.databind.node.ObjectNode> knownInfo(Deployment deployment, ObjectMapper json) {
        PriceBook plugins = fromPlugins;
        List<Map.Entry<PriceBook, String>> places = new java.util.ArrayList<>();
        if (plugins != null) {
            places.add(Map.entry(plugins, deployment.qualifiedModel()));
        }
        names(deployment).forEach(name -> places.add(Map.entry(this, name)));
        for (Map.Entry<PriceBook, String> place : places) {
            byte[] entry = place.getKey().entries.get(place.getValue());
            if (entry != null) {
                try {
                    com.fasterxml.jackson.databind.node.ObjectNode info =
                            (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(entry);
                    info.put("key", place.getValue());
                    return Optional.of(info);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The names a deployment's model goes by in the book: {@code model_info.base_model} first (as
     * in LiteLLM, for Azure deployment names and Bedrock model ids that name no model the book
     * knows), then {@code provider/model} (LiteLLM's keys for most providers but OpenAI's and
     * Anthropic's), the upstream model alone, and the model group.
     */
    static List<String> names(Deployment deployment) {
        String base = deployment.modelInfo().path("base_model").asText("");
        List<String> names = List.of(deployment.qualifiedModel(), deployment.providerModel(), deployment.modelGroup());
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
