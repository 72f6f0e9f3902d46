package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;

/** The text a chunk delivers to the caller, which its completion tokens are counted from. */
public final class DeliveredText {

    private DeliveredText() {
    }

    /** Appends the chunk's text: content, reasoning, refusal, tool-call names and arguments, completion text. */
    public static void append(ChatChunk chunk, StringBuilder text) {
        for (JsonNode choice : chunk.data().path("choices")) {
            JsonNode delta = choice.path("delta");
            appendText(delta.path("content"), text);
            appendText(delta.path("reasoning_content"), text);
            appendText(delta.path("refusal"), text);
            appendText(choice.path("text"), text);
            for (JsonNode call : delta.path("tool_calls")) {
                appendText(call.path("function").path("name"), text);
                appendText(call.path("function").path("arguments"), text);
            }
        }
    }

    private static void appendText(JsonNode node, StringBuilder text) {
        if (node.isTextual()) {
            text.append(node.asText());
        }
    }
}
