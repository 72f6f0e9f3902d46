package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole (non-streamed) answer in OpenAI's shape: a {@code chat.completion}, a
 * {@code text_completion} or an embedding {@code list}.
 *
 * @param body the response body; read-only by contract
 */
public record ModelResponse(ObjectNode body) implements ModelResult {

    /** @throws NullPointerException if body is null */
    public ModelResponse {
        Objects.requireNonNull(body, "body");
    }

    /** @return the usage the body reports, if it reports any */
    public Optional<Usage> usage() {
        return Usage.fromOpenAi(body.get("usage"));
    }
}
