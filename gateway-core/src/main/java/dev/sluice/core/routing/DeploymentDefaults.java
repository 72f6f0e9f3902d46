package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.ModelRequest;
import java.util.Set;

/**
 * A deployment's {@code litellm_params} that are OpenAI request parameters ({@code temperature},
 * {@code max_tokens}, {@code stop}...) are defaults for its calls: put into the request when the
 * caller did not set them, before any plugin sees it, as LiteLLM passes them. What is the
 * vendor's own (Gemini's {@code safety_settings}, say) stays for its plugin to read from
 * {@link Deployment#extraParams()}.
 */
final class DeploymentDefaults {

    /** The OpenAI request parameters a deployment may default. */
    static final Set<String> PARAMS = Set.of("temperature", "top_p", "max_tokens", "max_completion_tokens", "n",
            "stop", "presence_penalty", "frequency_penalty", "seed", "response_format", "logit_bias", "logprobs",
            "top_logprobs", "parallel_tool_calls", "reasoning_effort", "dimensions", "encoding_format");

    private DeploymentDefaults() {
    }

    /** @return the request with the deployment's defaults it lacks; the same request when it lacks none */
    static ModelRequest apply(ModelRequest request, Deployment deployment) {
        ObjectNode body = null;
        for (var param : deployment.extraParams().properties()) {
            JsonNode value = param.getValue();
            if (!PARAMS.contains(param.getKey()) || request.body().has(param.getKey()) || value.isNull()) {
                continue;
            }
            if (body == null) {
                body = request.body().deepCopy(); // the caller's body is shared by every attempt
            }
            body.set(param.getKey(), value.deepCopy());
        }
        return body == null ? request : request.withBody(body);
    }
}
