package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A legacy {@code /completions} (text completion) request in OpenAI's shape.
 *
 * @param body the request body; must name a model and carry a {@code prompt}
 */
public record CompletionRequest(ObjectNode body) implements ModelRequest {

    /** Validates the body. @throws GatewayException 400 naming the missing parameter */
    public CompletionRequest {
        RequestBodies.requireModel(body);
        RequestBodies.requirePresent(body, "prompt", "Pass the text to complete.");
    }

    @Override
    public CompletionRequest withBody(ObjectNode body) {
        return new CompletionRequest(body);
    }

    @Override
    public Operation operation() {
        return Operation.TEXT_COMPLETION;
    }
}
