package dev.sluice.plugins.mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Usage;
import java.util.List;

/**
 * Decides what the mock says and what it reports as usage: deterministic functions of the request
 * and the deployment, so tests and the offline quickstart get the same answer every time.
 */
final class MockReplies {

    static final String DEFAULT_REPLY = "This is a mock response from Sluice's mock provider.";

    private MockReplies() {
    }

    /**
     * The reply is the request's {@code mock_response} (as LiteLLM's), else the deployment's
     * {@code litellm_params.mock_response}, else a fixed sentence.
     */
    static String reply(ModelRequest request, JsonNode extraParams) {
        JsonNode perRequest = request.body().get("mock_response");
        if (perRequest != null && perRequest.isTextual()) {
            return perRequest.asText();
        }
        JsonNode configured = extraParams.get("mock_response");
        return configured != null && configured.isTextual() ? configured.asText() : DEFAULT_REPLY;
    }

    /** Splits the reply into the pieces a stream sends, one word (with its leading space) each. */
    static List<String> pieces(String reply) {
        String[] words = reply.split(" ", -1);
        java.util.ArrayList<String> pieces = new java.util.ArrayList<>(words.length);
        for (int i = 0; i < words.length; i++) {
            pieces.add(i == 0 ? words[i] : " " + words[i]);
        }
        return pieces;
    }

    /** Counts tokens the way a rough tokenizer would: one per four characters, at least one per text. */
    static long tokens(String text) {
        return text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
    }

    /** @return the usage of answering {@code request} with {@code reply} */
    static Usage usage(ModelRequest request, String reply) {
        long prompt = switch (request.operation()) {
            case CHAT -> {
                long total = 0;
                for (JsonNode message : request.body().path("messages")) {
                    total += 4 + tokens(text(message.path("content")));
                }
                yield total;
            }
            case TEXT_COMPLETION -> tokens(text(request.body().path("prompt")));
            case EMBEDDING -> tokens(text(request.body().path("input")));
            default -> 0; // the mock answers chat, completions and embeddings only
        };
        long completion = request.operation() == ModelRequest.Operation.EMBEDDING ? 0 : tokens(reply);
        return new Usage(prompt, completion, 0, 0);
    }

    /** The text of a content field: a string, or the text parts of an array. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
        }
        return text.toString();
    }
}
