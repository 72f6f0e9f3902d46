package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.Gateway;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.keys.VirtualKeys;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LiteLLM's key management API: {@code /key/generate}, {@code /key/update}, {@code /key/delete},
 * {@code /key/info}, {@code /key/list}, {@code /key/regenerate} (and {@code /key/{key}/regenerate}),
 * {@code /key/block}, {@code /key/unblock}.
 */
final class KeyRoutes {

    private final Gateway gateway;
    private final KeyService keys;
    private final JsonBodyReader bodies;
    private final JsonResponses responses;
    private final ErrorResponses errors;

    KeyRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors) {
        this.gateway = gateway;
        this.keys = gateway.keys();
        this.bodies = new JsonBodyReader(gateway.json(), gateway.config().general().maxRequestBytes());
        this.responses = responses;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        rules.post("/key/generate", (req, res) -> handle(req, res, caller -> {
            KeyService.IssuedKey issued = keys.generate(bodies.read(req), caller);
            return issued(issued);
        }));
        rules.post("/key/update", (req, res) -> handle(req, res, caller -> describe(keys.update(bodies.read(req), caller))));
        rules.post("/key/delete", (req, res) -> handle(req, res, caller -> {
            ObjectNode body = gateway.json().createObjectNode();
            ArrayNode deleted = body.putArray("deleted_keys");
            keys.delete(bodies.read(req), caller).forEach(deleted::add);
            return body;
        }));
        rules.get("/key/info", (req, res) -> handle(req, res, caller -> {
            String key = req.query().first("key").asOptional().orElseGet(() -> ownToken(caller));
            ObjectNode body = gateway.json().createObjectNode();
            body.put("key", key);
            body.set("info", describe(keys.info(key, caller)));
            return body;
        }));
        rules.get("/key/list", (req, res) -> handle(req, res, caller -> {
            int page = intParam(req, "page", 1);
            int size = intParam(req, "size", 10);
            boolean full = req.query().first("return_full_object").asOptional().map(Boolean::parseBoolean).orElse(false);
            return page(keys.list(filters(req), page, size, caller), page, size, full, gateway.json());
        }));
        rules.post("/key/regenerate", (req, res) -> handle(req, res, caller ->
                issued(keys.regenerate(keyField(bodies.read(req)), caller))));
        rules.post("/key/{key}/regenerate", (req, res) -> handle(req, res, caller ->
                issued(keys.regenerate(req.path().pathParameters().get("key"), caller))));
        rules.post("/key/block", (req, res) -> handle(req, res, caller ->
                describe(keys.setBlocked(keyField(bodies.read(req)), true, caller))));
        rules.post("/key/unblock", (req, res) -> handle(req, res, caller ->
                describe(keys.setBlocked(keyField(bodies.read(req)), false, caller))));
    }

    private interface Action {
        ObjectNode run(Principal caller);
    }

    private void handle(ServerRequest req, ServerResponse res, Action action) {
        try {
            Principal caller = gateway.authenticator().authenticate(new RequestHeaders(req.headers()),
                    ModelRoutes.clientAddress(req));
            responses.send(res, action.run(caller));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private ObjectNode issued(KeyService.IssuedKey issued) {
        ObjectNode body = describe(issued.record());
        body.put("key", issued.key());
        return body;
    }

    private ObjectNode describe(KeyRecord key) {
        return KeyJson.describe(key, gateway.json());
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

    private static Map<String, String> filters(ServerRequest req) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : List.of("user_id", "team_id", "key_alias")) {
            req.query().first(name).asOptional().filter(v -> !v.isBlank()).ifPresent(v -> filters.put(name, v));
        }
        return filters;
    }

    private static int intParam(ServerRequest req, String name, int fallback) {
        Optional<String> value = req.query().first(name).asOptional();
        try {
            return value.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number.", name);
        }
    }

    private static ObjectNode page(KeyStore.KeyPage page, int number, int size, boolean full, ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        ArrayNode items = body.putArray("keys");
        for (KeyRecord key : page.keys()) {
            if (full) {
                items.add(KeyJson.describe(key, json));
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
