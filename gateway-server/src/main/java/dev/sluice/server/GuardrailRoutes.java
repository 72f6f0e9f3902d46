package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.Gateway;
import dev.sluice.core.pipeline.GatewayCallContext;
import java.time.Instant;

/**
 * LiteLLM's guardrail endpoints for any key: {@code GET /guardrails/list} (names, type, modes,
 * {@code default_on}, {@code guardrail_info}; never a setting that may be a secret) and
 * {@code POST /guardrails/apply_guardrail} ({@code guardrail_name}, {@code text}: the text as the
 * guardrail lets it through, or its 400).
 */
final class GuardrailRoutes {

    private final Gateway gateway;

    GuardrailRoutes(Gateway gateway) {
        this.gateway = gateway;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.get("/guardrails/list", (caller, req) -> gateway.guardrails().list());
        endpoints.post("/guardrails/apply_guardrail", (caller, req) -> {
            ObjectNode body = endpoints.body(req);
            String name = text(body, "guardrail_name");
            String text = text(body, "text");
            GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), System.nanoTime(),
                    new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
            context.principal(caller);
            return endpoints.object().put("response_text", gateway.guardrails().apply(name, text, context));
        });
    }

    private static String text(ObjectNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isTextual()) {
            throw GatewayException.badRequest("'" + field + "' is required: a string.", field);
        }
        return value.asText();
    }
}
