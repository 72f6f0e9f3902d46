package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** Validation shared by the request records. */
final class RequestBodies {

    private RequestBodies() {
    }

    static ObjectNode requireModel(ObjectNode body) {
        Objects.requireNonNull(body, "body");
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw GatewayException.badRequest(
                    "Missing required parameter 'model'. Pass the name of a model from /v1/models.", "model");
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isBoolean() && !stream.isNull()) {
            throw GatewayException.badRequest("'stream' must be true or false.", "stream");
        }
        return body;
    }

    static void requirePresent(ObjectNode body, String field, String hint) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())) {
            throw GatewayException.badRequest("Missing required parameter '" + field + "'. " + hint, field);
        }
    }
}
