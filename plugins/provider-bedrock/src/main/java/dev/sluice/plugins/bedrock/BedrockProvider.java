package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import dev.sluice.plugins.kit.VendorCalls;
import org.pf4j.Extension;

/**
 * Amazon Bedrock's Converse API for {@code bedrock/<model-id>} deployments (and
 * {@code bedrock/converse/<model-id>}, as LiteLLM writes it): {@code POST /model/{id}/converse}
 * and {@code /converse-stream} on {@code bedrock-runtime.<region>.amazonaws.com}, or on
 * {@code api_base} ({@code aws_bedrock_runtime_endpoint}), signed by {@link AwsSigning};
 * embeddings from Amazon Titan Text Embeddings ({@code amazon.titan-embed-text-*}) through
 * {@code InvokeModel}, one call per input, as that model takes one text at a time.
 */
@Extension
public final class BedrockProvider implements ProviderAdapter {

    @Override
    public Set<String> providers() {
        return Set.of("bedrock");
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        URI uri = endpoint(deployment, "/converse");
        byte[] body = bytes(request, context);
        JsonNode answer = VendorCalls.answer(context.transport().send(new UpstreamRequest("POST", uri,
                AwsSigning.sign(deployment, uri, Map.of("Content-Type", "application/json"), body), body,
                deployment.timeout())), deployment, context.json(), errors(context));
        return new ModelResponse(BedrockResponses.completion(answer, modelId(deployment),
                BedrockRequests.wantsJson(request), context.json()));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        URI uri = endpoint(deployment, "/converse-stream");
        byte[] body = bytes(request, context);
        UpstreamStream upstream = VendorCalls.opened(context.transport().stream(new UpstreamRequest("POST", uri,
                AwsSigning.sign(deployment, uri, Map.of("Content-Type", "application/json"), body), body,
                deployment.streamTimeout())), deployment, errors(context));
        return new BedrockChunkStream(upstream, context.json(), modelId(deployment), BedrockRequests.wantsJson(request));
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        if (!modelId(deployment).startsWith("amazon.titan-embed-text")) {
            throw ProviderAdapter.unsupported("embeddings with this model (Amazon Titan Text Embeddings only)", context);
        }
        JsonNode input = request.body().get("input");
        ObjectNode list = context.json().createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        long tokens = 0;
        URI uri = endpoint(deployment, "/invoke");
        for (JsonNode text : input.isArray() ? input : context.json().createArrayNode().add(input)) {
            if (!text.isTextual()) {
                throw GatewayException.badRequest("bedrock embeds text: pass a string or an array of strings.", "input");
            }
            ObjectNode titan = context.json().createObjectNode()
                    .put("inputText", text.asText());
            if (request.body().path("dimensions").canConvertToInt()) {
                titan.put("dimensions", request.body().path("dimensions").asInt());
            }
            byte[] body = VendorCalls.bytes(titan, context.json());
            JsonNode answer = VendorCalls.answer(context.transport().send(new UpstreamRequest("POST", uri,
                    AwsSigning.sign(deployment, uri, Map.of("Content-Type", "application/json"), body), body,
                    deployment.timeout())), deployment, context.json(), errors(context));
            int index = data.size();
            data.addObject().put("object", "embedding").put("index", index).set("embedding", answer.path("embedding"));
            tokens += answer.path("inputTextTokenCount").asLong(0);
        }
        list.put("model", modelId(deployment));
        list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new ModelResponse(list);
    }

    private static byte[] bytes(ChatRequest request, ProviderContext context) {
        return VendorCalls.bytes(BedrockRequests.converse(request, context.deployment(), context.json()), context.json());
    }

    private static VendorCalls.ErrorMapper errors(ProviderContext context) {
        return (status, body, header) -> BedrockResponses.error(status, body, header, context.json());
    }

    static String modelId(Deployment deployment) {
        String model = deployment.providerModel();
        return model.startsWith("converse/") ? model.substring("converse/".length()) : model;
    }

    static URI endpoint(Deployment deployment, String operation) {
        String base = deployment.apiBase()
                .or(() -> java.util.Optional.ofNullable(deployment.extraParams().path("aws_bedrock_runtime_endpoint")
                        .asText(null)))
                .orElse("https://bedrock-runtime." + AwsSigning.region(deployment) + ".amazonaws.com");
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // A model id or ARN holds ':' and '/', which must reach Bedrock percent-encoded.
        return URI.create(base + "/model/" + URLEncoder.encode(modelId(deployment), StandardCharsets.UTF_8)
                .replace("+", "%20") + operation);
    }
}
