package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.models.StoredModels;

/**
 * LiteLLM's model management with {@code store_model_in_db}: {@code POST /model/new},
 * {@code POST /model/update} (the id in {@code model_info.id}), {@code PATCH /model/{id}/update},
 * {@code POST /model/delete} ({@code {"id"}}). Admins only; changes take effect at once.
 */
final class StoredModelRoutes {

    private final StoredModels models;

    StoredModelRoutes(StoredModels models) {
        this.models = models;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.post("/model/new", (caller, req) -> models.add(endpoints.body(req), caller))
                .post("/model/update", (caller, req) -> {
                    ObjectNode body = endpoints.body(req);
                    return models.update(required(body.path("model_info").path("id"), "model_info.id"), body, caller);
                })
                .patch("/model/{id}/update", (caller, req) ->
                        models.update(req.path().pathParameters().get("id"), endpoints.body(req), caller))
                .post("/model/delete", (caller, req) -> {
                    String id = required(endpoints.body(req).path("id"), "id");
                    models.delete(id, caller);
                    return endpoints.object().put("message", "Model: " + id + " deleted successfully");
                });
    }

    private static String required(JsonNode value, String field) {
        if (!value.isTextual() || value.asText().isBlank()) {
            throw GatewayException.badRequest("'" + field + "' is required: the model's id, as /model/info shows "
                    + "it in model_info.id.", field);
        }
        return value.asText();
    }
}
