package dev.sluice.plugins.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.plugins.openai.wire.OpenAiWire;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Azure OpenAI for {@code azure/<deployment-name>} deployments, in OpenAI's wire format: calls go to
 * {@code {api_base}/openai/deployments/{deployment-name}/chat/completions?api-version=...}
 * ({@code api_version}, default {@value #DEFAULT_API_VERSION}), or, with {@code api_version: v1},
 * to the v1 API {@code {api_base}/openai/v1/...} with the model in the body. Credentials, first
 * found: an Entra ID token by client credentials ({@link EntraTokens}), a given
 * {@code azure_ad_token} (or {@code AZURE_AD_TOKEN}), both sent as a bearer token; else the key
 * ({@code api_key}, or {@code AZURE_API_KEY}) in the {@code api-key} header. {@code api_base}
 * may also come from {@code AZURE_API_BASE}.
 */
@Extension
public final class AzureProvider implements ProviderAdapter {

    static final String DEFAULT_API_VERSION = "2024-10-21";
    /** litellm_params that configure this plugin rather than the request. */
    private static final Set<String> PLUGIN_PARAMS = Set.of("tenant_id", "client_id", "client_secret",
            "azure_ad_token", "azure_authority_host");

    private final EntraTokens entra = new EntraTokens();

    @Override
    public Set<String> providers() {
        return Set.of("azure");
    }

    @Override
    public void validate(Deployment deployment) {
        Optional<String> base = base(deployment);
        if (base.isEmpty()) {
            throw new IllegalArgumentException("api_base is required for provider 'azure': set it to the resource's "
                    + "endpoint, e.g. https://my-resource.openai.azure.com (or set AZURE_API_BASE)");
        }
        URI uri;
        try {
            uri = URI.create(base.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api_base: expected an http(s) URL, got '" + base.get() + "'");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("api_base: expected an http(s) URL, got '" + base.get() + "'");
        }
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        return send("/chat/completions", request, context);
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        return OpenAiWire.stream(endpoint(context.deployment(), "/chat/completions"), headers(context), request,
                PLUGIN_PARAMS, context);
    }

    @Override
    public ModelResponse complete(CompletionRequest request, ProviderContext context) {
        return send("/completions", request, context);
    }

    @Override
    public ChunkStream streamComplete(CompletionRequest request, ProviderContext context) {
        return OpenAiWire.stream(endpoint(context.deployment(), "/completions"), headers(context), request,
                PLUGIN_PARAMS, context);
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        return send("/embeddings", request, context);
    }

    /** Azure OpenAI speaks the Responses API (model: the deployment's name). */
    @Override
    public boolean serves(ModelRequest.Operation operation, Deployment deployment) {
        return operation == ModelRequest.Operation.RESPONSES;
    }

    /**
     * Images, audio and moderation at the deployment's paths; the Responses API at
     * {@code /openai/v1/responses} (api_version v1) or {@code /openai/responses?api-version=};
     * Azure OpenAI has no rerank.
     */
    @Override
    public ModelResult serve(EndpointRequest request, ProviderContext context) {
        if (request.operation() == ModelRequest.Operation.RERANK) {
            throw ProviderAdapter.unsupported("rerank", context);
        }
        if (request.operation() == ModelRequest.Operation.RESPONSES) {
            return OpenAiWire.serve(responsesEndpoint(context.deployment()), headers(context), request, PLUGIN_PARAMS,
                    context);
        }
        return OpenAiWire.serve(endpoint(context.deployment(), OpenAiWire.path(request.operation())), headers(context),
                request, PLUGIN_PARAMS, context);
    }

    private ModelResponse send(String path, ModelRequest request, ProviderContext context) {
        return OpenAiWire.send(endpoint(context.deployment(), path), headers(context), request, PLUGIN_PARAMS, context);
    }

    private Map<String, String> headers(ProviderContext context) {
        Deployment deployment = context.deployment();
        Map<String, String> headers = new HashMap<>(deployment.extraHeaders());
        Optional<String> bearer = entra.tokenFor(context).or(() -> text(deployment.extraParams().get("azure_ad_token"))
                .or(() -> env("AZURE_AD_TOKEN")));
        if (bearer.isPresent()) {
            headers.put("Authorization", "Bearer " + bearer.get());
        } else {
            deployment.apiKey().map(key -> key.value()).or(() -> env("AZURE_API_KEY"))
                    .ifPresent(key -> headers.put("api-key", key));
        }
        return headers;
    }

    static URI endpoint(Deployment deployment, String path) {
        String base = base(deployment).orElseThrow(() -> GatewayException.badRequest(
                "Deployment '" + deployment.id() + "' has no api_base.", "model"));
        base = base.replaceAll("/+$", "").replaceAll("/openai(/v1)?$", "");
        String version = deployment.apiVersion().orElse(DEFAULT_API_VERSION);
        if (version.equals("v1") || version.equals("latest") || version.equals("preview")) {
            return URI.create(base + "/openai/v1" + path + (version.equals("preview") ? "?api-version=preview" : ""));
        }
        return URI.create(base + "/openai/deployments/" + URLEncoder.encode(deployment.providerModel(),
                StandardCharsets.UTF_8) + path + "?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
    }

    static URI responsesEndpoint(Deployment deployment) {
        String version = deployment.apiVersion().orElse(DEFAULT_API_VERSION);
        if (version.equals("v1") || version.equals("latest") || version.equals("preview")) {
            return endpoint(deployment, "/responses");
        }
        String base = base(deployment).orElseThrow(() -> GatewayException.badRequest(
                "Deployment '" + deployment.id() + "' has no api_base.", "model"))
                .replaceAll("/+$", "").replaceAll("/openai(/v1)?$", "");
        return URI.create(base + "/openai/responses?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
    }

    private static Optional<String> base(Deployment deployment) {
        return deployment.apiBase().or(() -> env("AZURE_API_BASE"));
    }

    private static Optional<String> text(JsonNode value) {
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText())
                : Optional.empty();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
