package dev.sluice.plugins.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelCard;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Secret;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.plugins.kit.RequestChecks;
import dev.sluice.plugins.openai.wire.OpenAiErrors;
import dev.sluice.plugins.openai.wire.OpenAiWire;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * OpenAI, and every server that speaks OpenAI's API (vLLM, LM Studio, Groq, Mistral, DeepSeek,
 * Together, OpenRouter, Fireworks, xAI, another LiteLLM). Requests are already in OpenAI's shape,
 * so the body goes upstream as the caller sent it, unknown parameters included, with only
 * {@code model} replaced; answers come back unchanged.
 *
 * <p>Streams always ask the upstream for a usage chunk ({@code stream_options.include_usage}),
 * because spend is computed from it; the gateway hides that chunk from callers who did not ask.
 */
@Extension
public final class OpenAiProvider implements ProviderAdapter {

    /** litellm_params that name the OpenAI organisation rather than a request parameter. */
    private static final String ORGANIZATION = "organization";
    /** litellm_params that are settings of this plugin, never request parameters. */
    private static final Set<String> GATEWAY_PARAMS = Set.of(ORGANIZATION);

    @Override
    public Set<String> providers() {
        return OpenAiCompatibleVendor.prefixes();
    }

    @Override
    public void validate(Deployment deployment) {
        OpenAiCompatibleVendor vendor = OpenAiCompatibleVendor.of(deployment.provider());
        if (deployment.apiBase().isEmpty() && vendor.defaultBase().isEmpty()) {
            throw new IllegalArgumentException("api_base is required for provider '" + deployment.provider()
                    + "': set it to the server's OpenAI-compatible base URL, e.g. http://localhost:8000/v1");
        }
        RequestChecks.apiBase(deployment);
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        return call("/chat/completions", request, context);
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        return stream("/chat/completions", request, context);
    }

    @Override
    public ModelResponse complete(CompletionRequest request, ProviderContext context) {
        return call("/completions", request, context);
    }

    @Override
    public ChunkStream streamComplete(CompletionRequest request, ProviderContext context) {
        return stream("/completions", request, context);
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        return call("/embeddings", request, context);
    }

    /** OpenAI's own API speaks the Responses API; other OpenAI-compatible servers get it translated onto chat. */
    @Override
    public boolean serves(ModelRequest.Operation operation, Deployment deployment) {
        return operation == ModelRequest.Operation.RESPONSES && deployment.provider().equals("openai");
    }

    /** Images, audio (speech streamed), moderation, and rerank as OpenAI-compatible servers (vLLM and others) serve it. */
    @Override
    public ModelResult serve(EndpointRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        return OpenAiWire.serve(endpoint(deployment, OpenAiWire.path(request.operation())), headers(deployment),
                request, GATEWAY_PARAMS, context);
    }

    @Override
    public List<ModelCard> listModels(ProviderContext context) {
        Deployment deployment = context.deployment();
        UpstreamRequest get = new UpstreamRequest("GET", endpoint(deployment, "/models"), headers(deployment),
                new byte[0], deployment.timeout());
        UpstreamResponse response = context.transport().send(get);
        if (response.status() != 200) {
            throw OpenAiErrors.map(deployment.provider(), response.status(), response.body(), response::header,
                    context.json());
        }
        List<ModelCard> cards = new ArrayList<>();
        for (JsonNode model : OpenAiWire.read(response.body(), context.json(), deployment).path("data")) {
            cards.add(new ModelCard(model.path("id").asText(), model.path("created").asLong(0),
                    model.path("owned_by").asText(deployment.provider())));
        }
        return cards;
    }

    private ModelResponse call(String path, ModelRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        return OpenAiWire.send(endpoint(deployment, path), headers(deployment), request, GATEWAY_PARAMS, context);
    }

    private ChunkStream stream(String path, ModelRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        return OpenAiWire.stream(endpoint(deployment, path), headers(deployment), request, GATEWAY_PARAMS, context);
    }

    private static Map<String, String> headers(Deployment deployment) {
        Map<String, String> headers = new HashMap<>(deployment.extraHeaders());
        apiKey(deployment).ifPresent(key -> headers.put("Authorization", "Bearer " + key.value()));
        JsonNode organization = deployment.extraParams().get(ORGANIZATION);
        if (organization != null && organization.isTextual()) {
            headers.put("OpenAI-Organization", organization.asText());
        }
        return headers;
    }

    private static Optional<Secret> apiKey(Deployment deployment) {
        return deployment.apiKey().or(() -> OpenAiCompatibleVendor.of(deployment.provider()).keyVariable()
                .map(System::getenv).filter(value -> !value.isBlank()).map(Secret::new));
    }

    private static URI endpoint(Deployment deployment, String path) {
        String base = deployment.apiBase()
                .or(() -> OpenAiCompatibleVendor.of(deployment.provider()).defaultBase())
                .orElseThrow(() -> GatewayException.of(ErrorKind.INTERNAL,
                        "Deployment '" + deployment.id() + "' has no api_base."));
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }
}
