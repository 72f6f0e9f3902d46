package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.governance.Governance;
import dev.sluice.core.keys.KeyJson;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.keys.VirtualKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's key management API: {@code /key/generate}, {@code /key/update}, {@code /key/delete},
 * {@code /key/info}, {@code /key/list}, {@code /key/regenerate} (and {@code /key/{key}/regenerate}),
 * {@code /key/block}, {@code /key/unblock}.
 */
final class KeyRoutes {

    private final Governance governance;
    private final KeyService keys;
    private final ObjectMapper json;

    KeyRoutes(Governance governance, ObjectMapper json) {
        this.governance = governance;
        this.keys = governance.keys();
        this.json = json;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.post("/key/generate", (caller, req) -> issued(governance.generateKey(endpoints.body(req), caller)))
                .post("/key/update", (caller, req) -> describe(governance.updateKey(endpoints.body(req), caller)))
                .post("/key/delete", (caller, req) -> {
                    ObjectNode body = json.createObjectNode();
                    body.set("deleted_keys", endpoints.strings(keys.delete(endpoints.body(req), caller)));
                    return body;
                })
                .get("/key/info", (caller, req) -> {
                    String key = AdminEndpoints.param(req, "key").orElseGet(() -> ownToken(caller));
                    ObjectNode body = json.createObjectNode();
                    body.put("key", key);
                    body.set("info", describe(keys.info(key, caller)));
                    return body;
                })
                .get("/key/list", (caller, req) -> {
                    int page = AdminEndpoints.number(req, "page", 1);
                    int size = AdminEndpoints.number(req, "size", 10);
                    boolean full = AdminEndpoints.param(req, "return_full_object").map(Boolean::parseBoolean)
                            .orElse(false);
                    Map<String, String> filters = new LinkedHashMap<>();
                    for (String name : List.of("user_id", "team_id", "key_alias")) {
                        AdminEndpoints.param(req, name).ifPresent(value -> filters.put(name, value));
                    }
                    return page(keys.list(filters, page, size, caller), page, size, full);
                })
                .post("/key/regenerate", (caller, req) -> issued(keys.regenerate(keyField(endpoints.body(req)), caller)))
                .post("/key/{key}/regenerate", (caller, req) ->
                        issued(keys.regenerate(req.path().pathParameters().get("key"), caller)))
                .post("/key/block", (caller, req) -> describe(keys.setBlocked(keyField(endpoints.body(req)), true, caller)))
                .post("/key/unblock", (caller, req) ->
                        describe(keys.setBlocked(keyField(endpoints.body(req)), false, caller)));
    }

    private ObjectNode issued(KeyService.IssuedKey issued) {
        ObjectNode body = describe(issued.record());
        body.put("key", issued.key());
        return body;
    }

    private ObjectNode describe(KeyRecord key) {
        return KeyJson.describe(key, json);
    }

    private static String keyField(ObjectNode body) {
        if (!body.path("key").isTextual()) {
            throw GatewayException.badRequest("'key' is required: the key (or its token) to act on.", "key");
        }
        return body.path("key").asText();
    }

    private static String ownToken(Principal caller) {
        if (!VirtualKeys.isToken(caller.subject())) {
            throw GatewayException.badRequest("Pass the key to look up as ?key=sk-...", "key");
        }
        return caller.subject();
    }

    private ObjectNode page(KeyStore.KeyPage page, int number, int size, boolean full) {
        ObjectNode body = json.createObjectNode();
        ArrayNode items = body.putArray("keys");
        for (KeyRecord key : page.keys()) {
            if (full) {
                items.add(describe(key));
            } else {
                items.add(key.token());
            }
        }
        body.put("total_count", page.total());
        body.put("current_page", number);
        body.put("total_pages", (page.total() + size - 1) / size);
        return body;
    }
}
