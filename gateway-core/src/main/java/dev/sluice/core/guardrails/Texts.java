package dev.sluice.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ModelRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts of a request or an answer that guardrails look at, and how to put others in their
 * place: chat messages' content (text or text parts), a completion's prompt, an embedding's,
 * moderation's or rerank's input; each choice's message or text in an answer.
 */
final class Texts {

    private static final String[] REQUEST_FIELDS = {"prompt", "input", "query", "instructions"};

    /** One place a text sits: a field of an object or an element of an array. */
    private record Slot(JsonNode container, String field, int index) {
        String text() {
            return (field != null ? container.get(field) : container.get(index)).asText();
        }

        void set(String text) {
            if (field != null) {
                ((ObjectNode) container).put(field, text);
            } else {
                ((ArrayNode) container).set(index, com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
            }
        }
    }

    private Texts() {
    }

    /** @return the request's texts */
    static List<String> of(ModelRequest request) {
        return read(requestSlots(request, request.body()));
    }

    /** @return the request with the texts put in place of its own, one for one */
    static ModelRequest replaced(ModelRequest request, List<String> texts) {
        ObjectNode copy = request.body().deepCopy();
        write(requestSlots(request, copy), texts);
        return request.withBody(copy);
    }

    /** @return the texts of a whole answer (a chat completion's or a text completion's choices) */
    static List<String> ofAnswer(JsonNode answer) {
        return read(answerSlots(answer, "message"));
    }

    /** @return the answer with the texts put in place of its own */
    static ObjectNode replacedAnswer(ObjectNode answer, List<String> texts) {
        ObjectNode copy = answer.deepCopy();
        write(answerSlots(copy, "message"), texts);
        return copy;
    }

    /** @return the text a stream chunk delivers, by choice */
    static List<String> ofChunk(JsonNode chunk) {
        return read(answerSlots(chunk, "delta"));
    }

    private static List<Slot> requestSlots(ModelRequest request, ObjectNode body) {
        List<Slot> slots = new ArrayList<>();
        if (request instanceof ChatRequest) {
            for (JsonNode message : body.path("messages")) {
                JsonNode content = message.path("content");
                if (content.isTextual()) {
                    slots.add(new Slot(message, "content", -1));
                } else if (content.isArray()) {
                    for (JsonNode part : content) {
                        if (part.path("text").isTextual()) {
                            slots.add(new Slot(part, "text", -1));
                        }
                    }
                }
            }
            return slots;
        }
        for (String field : REQUEST_FIELDS) {
            JsonNode value = body.path(field);
            if (value.isTextual()) {
                slots.add(new Slot(body, field, -1));
            } else if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isTextual()) {
                        slots.add(new Slot(value, null, i));
                    }
                }
            }
        }
        return slots;
    }

    private static List<Slot> answerSlots(JsonNode answer, String messageField) {
        List<Slot> slots = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            JsonNode message = choice.path(messageField);
            if (message.path("content").isTextual()) {
                slots.add(new Slot(message, "content", -1));
            } else if (choice.path("text").isTextual()) {
                slots.add(new Slot(choice, "text", -1));
            }
        }
        return slots;
    }

    private static List<String> read(List<Slot> slots) {
        List<String> texts = new ArrayList<>(slots.size());
        slots.forEach(slot -> texts.add(slot.text()));
        return texts;
    }

    /** The texts, one for each slot: {@code ConfiguredGuardrail.ask} holds verdicts to that. */
    private static void write(List<Slot> slots, List<String> texts) {
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).set(texts.get(i));
        }
    }
}
