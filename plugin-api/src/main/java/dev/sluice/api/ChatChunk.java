package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed answer: the JSON of an OpenAI {@code chat.completion.chunk} (or a
 * streamed {@code text_completion}), sent to the client as one {@code data:} line.
 *
 * @param data the chunk; read-only by contract
 */
public record ChatChunk(ObjectNode data) {

    /** @throws NullPointerException if data is null */
    public ChatChunk {
        Objects.requireNonNull(data, "data");
    }

    /** @return the usage this chunk carries (usually only the last one does) */
    public Optional<Usage> usage() {
        return Usage.fromOpenAi(data.get("usage"));
    }
}
