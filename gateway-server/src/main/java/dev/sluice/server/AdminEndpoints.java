package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.Gateway;
import dev.sluice.core.admin.AdminBody;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What every admin endpoint does around its action: authenticate the caller (before the body is
 * read), read the JSON body within the size limit, answer the action's JSON, or the error as
 * OpenAI-shaped JSON.
 */
final class AdminEndpoints {

    private static final int MAX_PARAM = 1024;

    /** An admin action: the caller and the request in, the JSON answer out. */
    interface Action {
        JsonNode run(Principal caller, ServerRequest req);
    }

    private final Gateway gateway;
    private final JsonBodyReader bodies;
    private final JsonResponses responses;
    private final ErrorResponses errors;
    private final HttpRules rules;
    private final AdminCallers callers;

    AdminEndpoints(Gateway gateway, JsonResponses responses, ErrorResponses errors, HttpRules rules,
                   AdminCallers callers, JsonBodyReader bodies) {
        this.callers = callers;
        this.gateway = gateway;
        this.bodies = bodies;
        this.responses = responses;
        this.errors = errors;
        this.rules = rules;
    }

    AdminEndpoints get(String path, Action action) {
        rules.get(path, (req, res) -> handle(req, res, action));
        return this;
    }

    AdminEndpoints post(String path, Action action) {
        rules.post(path, (req, res) -> handle(req, res, action));
        return this;
    }

    AdminEndpoints patch(String path, Action action) {
        rules.patch(path, (req, res) -> handle(req, res, action));
        return this;
    }

    ObjectNode body(ServerRequest req) {
        return bodies.read(req);
    }

    ObjectNode object() {
        return responses.mapper().createObjectNode();
    }

    ArrayNode array(List<? extends JsonNode> items) {
        ArrayNode array = responses.mapper().createArrayNode();
        items.forEach(array::add);
        return array;
    }

    ArrayNode strings(List<String> items) {
        ArrayNode array = responses.mapper().createArrayNode();
        items.forEach(array::add);
        return array;
    }

    static Optional<String> param(ServerRequest req, String name) {
        return values(req, name).stream().findFirst().filter(value -> !value.isBlank());
    }

    /**
     * A query parameter's values, decoded where they can be (a bad escape such as {@code %zz}
     * stays as sent, as LiteLLM reads it) and refused with a 400 when they hold control
     * characters, which no id or filter has and which the database refuses.
     */
    private static List<String> values(ServerRequest req, String name) {
        List<String> values;
        try {
            values = req.query().all(name, List::of);
        } catch (IllegalArgumentException badEscape) {
            values = rawValues(req.query().rawValue(), name);
        }
        values.forEach(value -> AdminBody.checkedText(name, value, MAX_PARAM));
        return values;
    }

    private static List<String> rawValues(String query, String name) {
        List<String> values = new java.util.ArrayList<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if ((equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
                values.add(equals < 0 ? "" : pair.substring(equals + 1));
            }
        }
        return values;
    }

    /** @return a query parameter that is required */
    static String required(ServerRequest req, String name) {
        return param(req, name).orElseThrow(() -> GatewayException.badRequest("Pass '" + name + "' as a query "
                + "parameter, e.g. ?" + name + "=...", name));
    }

    /** @return a list query parameter, given as {@code a,b} or repeated */
    static List<String> list(ServerRequest req, String name) {
        return values(req, name).stream().flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim).filter(value -> !value.isEmpty()).toList();
    }

    static int number(ServerRequest req, String name, int fallback) {
        try {
            return param(req, name).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number.", name);
        }
    }

    private void handle(ServerRequest req, ServerResponse res, Action action) {
        try {
            Principal caller = callers.authenticate(req);
            JsonNode answer = action.run(caller, req);
            if (req.prologue().method().equals(io.helidon.http.Method.POST)) {
                ManagementAlerts.after(req.path().path(), caller, answer, gateway.watchers().alerts(),
                        responses.mapper());
            }
            responses.send(res, answer);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }
}
