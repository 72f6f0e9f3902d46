package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import java.util.Set;
import java.util.TreeSet;

/**
 * LiteLLM's {@code drop_params}, done once for every plugin that names the chat parameters it
 * translates ({@link dev.sluice.api.ProviderAdapter#chatParams}): a parameter outside them is
 * refused with a 400 naming it, or dropped from the request when {@code drop_params} is set in
 * the request or the deployment ({@code litellm_settings.drop_params} sets every deployment's).
 */
final class UnsupportedParams {

    /** What every adapter takes, or the gateway itself handles. */
    private static final Set<String> ALWAYS = Set.of("model", "messages", "stream", "stream_options", "user",
            "metadata", "drop_params");

    private UnsupportedParams() {
    }

    /** @return the request without the parameters to drop; the same request when there are none */
    static ModelRequest apply(ModelRequest request, Set<String> translated, Deployment deployment) {
        if (translated.isEmpty() || !(request instanceof ChatRequest)) {
            return request;
        }
        Set<String> unsupported = new TreeSet<>();
        request.body().fieldNames().forEachRemaining(name -> {
            if (!ALWAYS.contains(name) && !translated.contains(name)) {
                unsupported.add(name);
            }
        });
        if (unsupported.isEmpty()) {
            return request;
        }
        if (!request.body().path("drop_params").asBoolean(false)
                && !deployment.extraParams().path("drop_params").asBoolean(false)) {
            throw GatewayException.badRequest(deployment.provider() + " does not support parameters: " + unsupported
                    + ", for model=" + deployment.providerModel() + ". To drop them, pass \"drop_params\": true, or "
                    + "set drop_params: true in the deployment's litellm_params or in litellm_settings.",
                    unsupported.iterator().next());
        }
        ObjectNode body = request.body().deepCopy(); // the caller's body is shared by every attempt
        body.remove(unsupported);
        return request.withBody(body);
    }
}
