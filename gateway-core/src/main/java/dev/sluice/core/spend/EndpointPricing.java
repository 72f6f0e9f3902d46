package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What calls beyond chat cost, priced as LiteLLM prices them from its model cost map: images per
 * image ({@code input_cost_per_image}, else {@code input_cost_per_pixel} times the size), under
 * names such as {@code hd/1024-x-1792/dall-e-3}, or by their tokens where the answer reports them
 * ({@code gpt-image-1}); audio by the second ({@code input_cost_per_second}, the duration the
 * answer reports) or by its tokens; rerank per query ({@code input_cost_per_query}, times the
 * search units reported); moderation at the model's token price (OpenAI's is free). A
 * deployment's own {@code model_info} fields of those names come first. Speech is priced per
 * character of its input ({@code input_cost_per_character}).
 */
public final class EndpointPricing {

    private EndpointPricing() {
    }

    /** @return the tokens the answer reports, for the spend log (none for most of these endpoints) */
    public static Usage usage(JsonNode answer) {
        JsonNode usage = answer.path("usage");
        long input = usage.path("input_tokens").asLong(usage.path("prompt_tokens").asLong(0));
        long output = usage.path("output_tokens").asLong(usage.path("completion_tokens").asLong(0));
        if (input == 0 && output == 0) {
            input = usage.path("total_tokens").asLong(0); // rerank servers report only this
        }
        return new Usage(input, output, 0, 0);
    }

    /** @return the cost of the answered call */
    public static BigDecimal cost(EndpointRequest request, JsonNode answer, Deployment deployment, PriceBook prices) {
        return switch (request.operation()) {
            case IMAGE_GENERATION, IMAGE_EDIT, IMAGE_VARIATION -> images(request, answer, deployment, prices);
            case AUDIO_TRANSCRIPTION, AUDIO_TRANSLATION -> audio(answer, price(deployment, prices, List.of()));
            case RERANK -> {
                JsonNode entry = price(deployment, prices, List.of());
                long units = answer.path("meta").path("billed_units").path("search_units").asLong(1);
                yield decimal(entry, "input_cost_per_query").multiply(BigDecimal.valueOf(Math.max(1, units)));
            }
            default -> tokens(usage(answer), price(deployment, prices, List.of()));
        };
    }

    /**
     * @return the cost of speech: the request's input characters at {@code input_cost_per_character}
     *         ({@code tts-1}), else its input tokens, counted, at {@code input_cost_per_token}
     */
    public static BigDecimal cost(EndpointRequest request, dev.sluice.api.ByteStream answer, Deployment deployment,
                                  PriceBook prices) {
        JsonNode entry = price(deployment, prices, List.of());
        String input = request.body().path("input").asText("");
        if (entry.has("input_cost_per_character")) {
            return decimal(entry, "input_cost_per_character").multiply(BigDecimal.valueOf(input.length()));
        }
        return decimal(entry, "input_cost_per_token").multiply(BigDecimal.valueOf(
                dev.sluice.core.tokens.Tokens.count(input)));
    }

    /** @return the most an image request can cost, for the budgets' reservation; 0 for the other endpoints */
    public static BigDecimal most(EndpointRequest request, Deployment deployment, PriceBook prices) {
        return switch (request.operation()) {
            case IMAGE_GENERATION, IMAGE_EDIT, IMAGE_VARIATION -> perImage(request, deployment, prices)
                    .multiply(BigDecimal.valueOf(Math.max(1, request.body().path("n").asInt(1))));
            default -> BigDecimal.ZERO;
        };
    }

    private static BigDecimal images(EndpointRequest request, JsonNode answer, Deployment deployment, PriceBook prices) {
        JsonNode entry = price(deployment, prices, List.of());
        JsonNode usage = answer.path("usage");
        if (usage.isObject() && entry.has("output_cost_per_image_token")) {
            long imageInput = usage.path("input_tokens_details").path("image_tokens").asLong(0);
            long textInput = usage.path("input_tokens").asLong(0) - imageInput;
            return decimal(entry, "input_cost_per_token").multiply(BigDecimal.valueOf(Math.max(0, textInput)))
                    .add(decimal(entry, "input_cost_per_image_token").multiply(BigDecimal.valueOf(imageInput)))
                    .add(decimal(entry, "output_cost_per_image_token")
                            .multiply(BigDecimal.valueOf(usage.path("output_tokens").asLong(0))));
        }
        int count = answer.path("data").isArray() && !answer.path("data").isEmpty() ? answer.path("data").size()
                : Math.max(1, request.body().path("n").asInt(1));
        return perImage(request, deployment, prices).multiply(BigDecimal.valueOf(count));
    }

    private static BigDecimal perImage(EndpointRequest request, Deployment deployment, PriceBook prices) {
        String size = request.body().path("size").asText("1024x1024").toLowerCase(Locale.ROOT);
        String[] sides = size.split("x");
        String sized = size.replace("x", "-x-");
        String quality = request.body().path("quality").asText(
                deployment.providerModel().contains("dall-e-3") ? "standard" : "medium").toLowerCase(Locale.ROOT);
        JsonNode entry = price(deployment, prices, List.of(quality + "/" + sized + "/", sized + "/"));
        if (entry.has("input_cost_per_image") || entry.has("output_cost_per_image")) {
            return decimal(entry, entry.has("input_cost_per_image") ? "input_cost_per_image" : "output_cost_per_image");
        }
        long pixels = 1024L * 1024L;
        if (sides.length == 2) {
            try {
                pixels = Long.parseLong(sides[0].strip()) * Long.parseLong(sides[1].strip());
            } catch (NumberFormatException e) {
                // an unusual size: the provider refuses it anyway
            }
        }
        return decimal(entry, "input_cost_per_pixel").multiply(BigDecimal.valueOf(pixels));
    }

    private static BigDecimal audio(JsonNode answer, JsonNode entry) {
        JsonNode usage = answer.path("usage");
        double seconds = usage.path("type").asText().equals("duration") ? usage.path("seconds").asDouble(0)
                : answer.path("duration").asDouble(0);
        if (seconds > 0 && entry.has("input_cost_per_second")) {
            return decimal(entry, "input_cost_per_second").multiply(BigDecimal.valueOf(seconds));
        }
        long audioTokens = usage.path("input_token_details").path("audio_tokens").asLong(0);
        long textTokens = usage.path("input_tokens").asLong(0) - audioTokens;
        return decimal(entry, entry.has("input_cost_per_audio_token") ? "input_cost_per_audio_token"
                : "input_cost_per_token").multiply(BigDecimal.valueOf(audioTokens))
                .add(decimal(entry, "input_cost_per_token").multiply(BigDecimal.valueOf(Math.max(0, textTokens))))
                .add(decimal(entry, "output_cost_per_token").multiply(BigDecimal.valueOf(usage.path("output_tokens")
                        .asLong(0))));
    }

    private static BigDecimal tokens(Usage usage, JsonNode entry) {
        return decimal(entry, "input_cost_per_token").multiply(BigDecimal.valueOf(usage.promptTokens()))
                .add(decimal(entry, "output_cost_per_token").multiply(BigDecimal.valueOf(usage.completionTokens())));
    }

    /**
     * @param prefixes name prefixes to try first, e.g. {@code hd/1024-x-1024/}
     * @return the deployment's own model_info over the map's entry (under the first name it has)
     */
    private static JsonNode price(Deployment deployment, PriceBook prices, List<String> prefixes) {
        List<String> names = new ArrayList<>();
        for (String prefix : prefixes) {
            for (String name : PriceBook.names(deployment)) {
                names.add(prefix + name);
            }
        }
        names.addAll(PriceBook.names(deployment));
        Optional<JsonNode> entry = prices.entry(names);
        com.fasterxml.jackson.databind.node.ObjectNode merged = entry.filter(JsonNode::isObject)
                .map(node -> ((com.fasterxml.jackson.databind.node.ObjectNode) node).deepCopy())
                .orElseGet(() -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        deployment.modelInfo().properties().forEach(field -> {
            if (field.getKey().contains("cost")) {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return merged;
    }

    private static BigDecimal decimal(JsonNode entry, String field) {
        JsonNode value = entry.path(field);
        return value.isNumber() ? value.decimalValue() : BigDecimal.ZERO;
    }
}
