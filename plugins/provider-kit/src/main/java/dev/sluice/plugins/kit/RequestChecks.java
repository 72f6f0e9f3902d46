package dev.sluice.plugins.kit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** The checks every provider plugin makes of a deployment and a request alike. */
public final class RequestChecks {

    private RequestChecks() {
    }

    /** @throws IllegalArgumentException naming {@code api_base} unless it is an http(s) URL (or absent) */
    public static void apiBase(Deployment deployment) {
        deployment.apiBase().ifPresent(base -> {
            URI uri;
            try {
                uri = URI.create(base);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("api_base: expected an http(s) URL, got '" + base + "'");
            }
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("api_base: expected an http(s) URL, got '" + base + "'");
            }
        });
    }

    /**
     * Refuses the request's parameters the vendor cannot take, naming them, unless the request or
     * the deployment ({@code litellm_params}, where {@code litellm_settings} puts it too) says
     * {@code drop_params: true}, in which case the translation leaves them out.
     *
     * @param body     the OpenAI-shaped request body
     * @param accepted the parameters the plugin translates
     * @param deployment the deployment
     */
    public static void unsupportedParams(ObjectNode body, Predicate<String> accepted, Deployment deployment) {
        Set<String> unsupported = new TreeSet<>();
        body.fieldNames().forEachRemaining(key -> {
            if (!accepted.test(key)) {
                unsupported.add(key);
            }
        });
        if (body.path("n").asInt(1) > 1) {
            unsupported.add("n");
        }
        if (unsupported.isEmpty() || dropParams(body, deployment)) {
            return;
        }
        throw GatewayException.badRequest(deployment.provider() + " does not support parameters: " + unsupported
                + ", for model=" + deployment.providerModel() + ". To drop them, pass \"drop_params\": true, or set "
                + "drop_params: true in the deployment's litellm_params or in litellm_settings.",
                unsupported.iterator().next());
    }

    /** @return whether parameters a vendor cannot take are to be dropped rather than refused */
    public static boolean dropParams(ObjectNode body, Deployment deployment) {
        return body.path("drop_params").asBoolean(false) || deployment.extraParams().path("drop_params").asBoolean(false);
    }

    /**
     * @param arguments an OpenAI tool call's {@code function.arguments}: JSON text (or an object)
     * @return the arguments as an object, as vendors that take tool input as JSON want them
     * @throws GatewayException 400 when they are not a JSON object
     */
    public static JsonNode toolArguments(JsonNode arguments, ObjectMapper json) {
        if (arguments.isObject()) {
            return arguments;
        }
        String text = arguments.asText("");
        if (text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode parsed = json.readTree(text);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            // reported below
        }
        throw GatewayException.badRequest("A tool call's function.arguments must be a JSON object.", "messages");
    }
}
