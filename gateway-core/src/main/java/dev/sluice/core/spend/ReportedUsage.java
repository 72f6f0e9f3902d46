package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Usage;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a vendor reported of a call made in its own format (a pass-through call, a native
 * Responses API call), read from that format: the model, and the
 * tokens used, from a whole answer or from each event of a stream (usage arrives in the last
 * events; for Anthropic, input tokens at the start and output tokens at the end). OpenAI (chat,
 * completions, embeddings, Responses), Anthropic (Messages), Gemini ({@code usageMetadata}),
 * Cohere ({@code billed_units}) and Bedrock (Converse's {@code usage}, the model from the path) are
 * read; anything else is charged its route's cost per request.
 */
public final class ReportedUsage {

    private static final Pattern GEMINI_MODEL = Pattern.compile("/models/([^/:]+)");
    private static final Pattern BEDROCK_MODEL = Pattern.compile("/model/([^/]+)/");

    private final String vendor;
    private String model;
    private long input;
    private long output;
    private long cached;
    private long cacheWrite;
    private long reasoning;
    private boolean reported;

    /** @param vendor {@code openai}, {@code anthropic}, {@code gemini} or {@code cohere} */
    public ReportedUsage(String vendor) {
        this.vendor = vendor;
    }

    /** Reads the model from the request: its body's {@code model}, or Gemini's path. */
    public void request(JsonNode body, String path) {
        if (body != null && body.path("model").isTextual()) {
            model = body.path("model").asText();
        }
        Matcher gemini = GEMINI_MODEL.matcher(path);
        if (model == null && vendor.equals("gemini") && gemini.find()) {
            model = gemini.group(1);
        }
        Matcher bedrock = BEDROCK_MODEL.matcher(path);
        if (model == null && vendor.equals("bedrock") && bedrock.find()) {
            model = java.net.URLDecoder.decode(bedrock.group(1), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Reads a whole answer, or one event of a streamed one. */
    public void answer(JsonNode data) {
        switch (vendor) {
            case "openai" -> openAi(data.has("response") ? data.get("response") : data);
            case "anthropic" -> anthropic(data);
            case "gemini" -> gemini(data);
            case "cohere" -> cohere(data);
            case "bedrock" -> bedrock(data);
            default -> {
                // nothing to read
            }
        }
    }

    /** @return the model the call used, if known */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** @return the usage reported, if any was */
    public Optional<Usage> usage() {
        return reported ? Optional.of(new Usage(input, output, cached, reasoning, cacheWrite)) : Optional.empty();
    }

    private void openAi(JsonNode data) {
        modelOf(data.path("model"));
        JsonNode usage = data.path("usage");
        if (!usage.isObject()) {
            return;
        }
        reported = true;
        input = usage.path("prompt_tokens").asLong(usage.path("input_tokens").asLong(0));
        output = usage.path("completion_tokens").asLong(usage.path("output_tokens").asLong(0));
        cached = usage.path("prompt_tokens_details").path("cached_tokens")
                .asLong(usage.path("input_tokens_details").path("cached_tokens").asLong(0));
        reasoning = usage.path("completion_tokens_details").path("reasoning_tokens")
                .asLong(usage.path("output_tokens_details").path("reasoning_tokens").asLong(0));
    }

    private void anthropic(JsonNode data) {
        JsonNode message = data.path("type").asText().equals("message_start") ? data.path("message") : data;
        modelOf(message.path("model"));
        JsonNode usage = message.path("usage");
        if (!usage.isObject()) {
            return;
        }
        reported = true;
        if (usage.has("input_tokens")) {
            long read = usage.path("cache_read_input_tokens").asLong(0);
            long written = usage.path("cache_creation_input_tokens").asLong(0);
            input = usage.path("input_tokens").asLong(0) + read + written;
            cached = read;
            cacheWrite = written;
        }
        if (usage.has("output_tokens")) {
            output = usage.path("output_tokens").asLong(0); // cumulative in message_delta
        }
    }

    private void gemini(JsonNode data) {
        modelOf(data.path("modelVersion"));
        JsonNode usage = data.path("usageMetadata");
        if (!usage.isObject()) {
            return;
        }
        reported = true;
        input = usage.path("promptTokenCount").asLong(0);
        reasoning = usage.path("thoughtsTokenCount").asLong(0);
        output = usage.path("candidatesTokenCount").asLong(0) + reasoning;
        cached = usage.path("cachedContentTokenCount").asLong(0);
    }

    private void cohere(JsonNode data) {
        JsonNode billed = data.path("usage").path("billed_units");
        if (!billed.isObject()) {
            billed = data.path("meta").path("billed_units");
        }
        if (billed.has("input_tokens") || billed.has("output_tokens")) {
            reported = true;
            input = billed.path("input_tokens").asLong(0);
            output = billed.path("output_tokens").asLong(0);
        }
    }

    /** Converse's {@code usage} (its event stream is binary and passes unread). */
    private void bedrock(JsonNode data) {
        JsonNode usage = data.path("usage");
        if (usage.has("inputTokens")) {
            reported = true;
            cached = usage.path("cacheReadInputTokens").asLong(0);
            cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
            input = usage.path("inputTokens").asLong(0) + cached + cacheWrite;
            output = usage.path("outputTokens").asLong(0);
        }
    }

    private void modelOf(JsonNode value) {
        if (value.isTextual() && !value.asText().isBlank()) {
            model = value.asText();
        }
    }
}
