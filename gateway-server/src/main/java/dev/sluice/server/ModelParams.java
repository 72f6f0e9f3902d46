package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.admin.AdminBody;
import java.util.Map;
import java.util.Set;

/**
 * The types of the well-known parameters of a model request (OpenAI's and Anthropic's, whose
 * shared names mean the same), checked once at the edge so that no plugin meets a
 * {@code max_tokens} that is an array or a {@code stream} that is a string: the caller gets a 400
 * naming the parameter. Parameters not listed pass as sent; providers own their meaning.
 */
final class ModelParams {

    private static final Set<JsonNodeType> NUMBER = Set.of(JsonNodeType.NUMBER);
    private static final Set<JsonNodeType> TEXT = Set.of(JsonNodeType.STRING);
    private static final Set<JsonNodeType> BOOLEAN = Set.of(JsonNodeType.BOOLEAN);
    private static final Set<JsonNodeType> OBJECT = Set.of(JsonNodeType.OBJECT);
    private static final Set<JsonNodeType> ARRAY = Set.of(JsonNodeType.ARRAY);
    private static final Set<JsonNodeType> TEXT_OR_ARRAY = Set.of(JsonNodeType.STRING, JsonNodeType.ARRAY);
    private static final Set<JsonNodeType> TEXT_OR_OBJECT = Set.of(JsonNodeType.STRING, JsonNodeType.OBJECT);

    private static final Map<String, Set<JsonNodeType>> TYPES = Map.ofEntries(
            Map.entry("model", TEXT), Map.entry("user", TEXT),
            Map.entry("temperature", NUMBER), Map.entry("top_p", NUMBER), Map.entry("presence_penalty", NUMBER),
            Map.entry("frequency_penalty", NUMBER), Map.entry("stream", BOOLEAN), Map.entry("logprobs", BOOLEAN),
            Map.entry("parallel_tool_calls", BOOLEAN), Map.entry("stop", TEXT_OR_ARRAY),
            Map.entry("stop_sequences", ARRAY), Map.entry("messages", ARRAY), Map.entry("tools", ARRAY),
            Map.entry("tool_choice", TEXT_OR_OBJECT), Map.entry("response_format", OBJECT),
            Map.entry("stream_options", OBJECT), Map.entry("logit_bias", OBJECT), Map.entry("metadata", OBJECT),
            Map.entry("system", TEXT_OR_ARRAY), Map.entry("prompt", TEXT_OR_ARRAY), Map.entry("input", TEXT_OR_ARRAY));
    /** Whole numbers, with the smallest value each may take. */
    private static final Map<String, Long> WHOLE = Map.of("max_tokens", 0L, "max_completion_tokens", 0L, "n", 1L,
            "top_logprobs", 0L, "top_k", 0L, "seed", Long.MIN_VALUE, "dimensions", 1L);
    private static final int MAX_IDENTIFIER = 256;

    private ModelParams() {
    }

    /** @throws GatewayException 400 naming the first parameter of the wrong type */
    static void check(ObjectNode body) {
        for (Map.Entry<String, Set<JsonNodeType>> param : TYPES.entrySet()) {
            JsonNode value = body.get(param.getKey());
            if (value != null && !value.isNull() && !param.getValue().contains(value.getNodeType())) {
                throw GatewayException.badRequest("'" + param.getKey() + "' must be " + describe(param.getValue())
                        + ", not " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ".",
                        param.getKey());
            }
        }
        for (Map.Entry<String, Long> param : WHOLE.entrySet()) {
            JsonNode value = body.get(param.getKey());
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < param.getValue()) {
                throw GatewayException.badRequest("'" + param.getKey() + "' must be a whole number"
                        + (param.getValue() == Long.MIN_VALUE ? "" : " of at least " + param.getValue()) + ".",
                        param.getKey());
            }
        }
        checkIdentifiers(body);
    }

    /**
     * The model and the end user name rows, headers and log lines: no control characters, held
     * to a length. All a multipart request's text fields (strings, whatever they mean) are checked for.
     */
    static void checkIdentifiers(ObjectNode body) {
        for (String identifier : new String[] {"model", "user"}) {
            JsonNode value = body.get(identifier);
            if (value != null && value.isTextual()) {
                AdminBody.checkedText(identifier, value.asText(), MAX_IDENTIFIER);
            }
        }
    }

    private static String describe(Set<JsonNodeType> types) {
        if (types == TEXT_OR_ARRAY) {
            return "a string or an array";
        }
        if (types == TEXT_OR_OBJECT) {
            return "a string or an object";
        }
        return switch (types.iterator().next()) {
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case OBJECT -> "an object";
            default -> "an array";
        };
    }
}
