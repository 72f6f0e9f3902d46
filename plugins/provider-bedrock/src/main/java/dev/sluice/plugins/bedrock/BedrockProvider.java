package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
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

    /**
     * Image generation with Amazon's Titan Image Generator and Nova Canvas models ({@code invoke},
     * their {@code TEXT_IMAGE} task): prompt, count and size as their request takes them, the
     * images back as OpenAI's {@code b64_json}. Other endpoints are not offered.
     */
    @Override
    public ModelResult serve(EndpointRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        String model = modelId(deployment);
        if (request.operation() == ModelRequest.Operation.RERANK && model.contains("rerank")) {
            return rerank(request, context);
        }
        if (request.operation() != ModelRequest.Operation.IMAGE_GENERATION
                || !(model.contains("titan-image-generator") || model.contains("nova-canvas"))) {
            throw ProviderAdapter.unsupported(request.operation().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " with this model (images: Amazon Titan Image Generator, Nova Canvas; "
                    + "rerank: Cohere Rerank, Amazon Rerank)", context);
        }
        URI uri = endpoint(deployment, "/invoke");
        byte[] body = VendorCalls.bytes(BedrockRequests.textToImage(request, context.json()), context.json());
        JsonNode answer = VendorCalls.answer(context.transport().send(new UpstreamRequest("POST", uri,
                AwsSigning.sign(deployment, uri, Map.of("Content-Type", "application/json"), body), body,
                deployment.timeout())), deployment, context.json(), errors(context));
        ObjectNode images = context.json().createObjectNode().put("created", System.currentTimeMillis() / 1000);
        ArrayNode data = images.putArray("data");
        answer.path("images").forEach(image -> data.addObject().put("b64_json", image.asText()));
        if (data.isEmpty()) {
            throw GatewayException.of(dev.sluice.api.ErrorKind.CONTENT_POLICY, "bedrock returned no image: "
                    + answer.path("error").asText("the prompt may have been filtered") + ".");
        }
        return new ModelResponse(images);
    }

    /**
     * Rerank with Cohere Rerank and Amazon Rerank on Bedrock ({@code invoke}): Cohere's request
     * shape ({@code query}, {@code documents} as text, {@code top_n}; {@code api_version} 2 for
     * Cohere's models), the answer in Cohere's shape with each document's text when asked.
     */
    private ModelResponse rerank(EndpointRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        URI uri = endpoint(deployment, "/invoke");
        byte[] body = VendorCalls.bytes(BedrockRequests.rerank(request, modelId(deployment), context.json()),
                context.json());
        JsonNode answer = VendorCalls.answer(context.transport().send(new UpstreamRequest("POST", uri,
                AwsSigning.sign(deployment, uri, Map.of("Content-Type", "application/json"), body), body,
                deployment.timeout())), deployment, context.json(), errors(context));
        ObjectNode reranked = context.json().createObjectNode().put("id", answer.path("id").asText(context.callId()));
        ArrayNode results = reranked.putArray("results");
        JsonNode documents = request.body().path("documents");
        boolean withDocuments = request.body().path("return_documents").asBoolean(false);
        for (JsonNode result : answer.path("results")) {
            int index = result.path("index").asInt();
            ObjectNode item = results.addObject().put("index", index)
                    .put("relevance_score", result.path("relevance_score").asDouble());
            if (withDocuments) {
                JsonNode document = documents.path(index);
                item.putObject("document").put("text", document.isTextual() ? document.asText()
                        : document.path("text").asText());
            }
        }
        reranked.putObject("meta").putObject("billed_units").put("search_units", 1);
        return new ModelResponse(reranked);
    }

    /** A request passed through to Bedrock untranslated (LiteLLM's /bedrock route), signed as every call is. */
    @Override
    public UpstreamRequest authorize(UpstreamRequest request, Deployment deployment) {
        return new UpstreamRequest(request.method(), request.uri(), AwsSigning.sign(deployment, request.method(),
                request.uri(), request.headers(), request.body()), request.body(), request.timeout());
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
