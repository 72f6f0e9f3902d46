package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An {@code /embeddings} request in OpenAI's shape.
 *
 * @param body the request body; must name a model and carry an {@code input}
 */
public record EmbeddingRequest(ObjectNode body) implements ModelRequest {

    /** Validates the body. @throws GatewayException 400 naming the missing parameter */
    public EmbeddingRequest {
        RequestBodies.requireModel(body);
        RequestBodies.requirePresent(body, "input", "Pass a string or an array of strings to embed.");
    }

    @Override
    public EmbeddingRequest withBody(ObjectNode body) {
        return new EmbeddingRequest(body);
    }

    @Override
    public Operation operation() {
        return Operation.EMBEDDING;
    }

    @Override
    public boolean stream() {
        return false;
    }
}
