package dev.sluice.plugins.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Secret;
import dev.sluice.api.UpstreamStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.sluice.plugins.kit.RequestChecks;
import dev.sluice.plugins.kit.VendorCalls;
import org.pf4j.Extension;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) for {@code anthropic/} deployments: chat,
 * streamed or not, translated from and to OpenAI's shapes by {@link AnthropicRequests},
 * {@link AnthropicResponses} and {@link AnthropicChunkStream}. The key is the deployment's
 * {@code api_key}, else {@code ANTHROPIC_API_KEY}, sent as {@code x-api-key}; the API version is
 * {@value #API_VERSION} unless {@code litellm_params.anthropic_version} says otherwise, and
 * {@code extra_headers} (e.g. {@code anthropic-beta}) go along. Anthropic has no embeddings.
 */
@Extension
public final class AnthropicProvider implements ProviderAdapter {

    static final String API_VERSION = "2023-06-01";
    private static final String DEFAULT_BASE = "https://api.anthropic.com";

    @Override
    public Set<String> providers() {
        return Set.of("anthropic");
    }

    @Override
    public void validate(Deployment deployment) {
        RequestChecks.apiBase(deployment);
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        JsonNode message = VendorCalls.post(context, endpoint(deployment), headers(deployment),
                AnthropicRequests.body(request, deployment, false, context.json()), errors(context));
        return new ModelResponse(AnthropicResponses.completion(message, AnthropicRequests.wantsJson(request),
                context.json()));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        UpstreamStream upstream = VendorCalls.stream(context, endpoint(deployment), headers(deployment),
                AnthropicRequests.body(request, deployment, true, context.json()), errors(context));
        return new AnthropicChunkStream(upstream, context.json(), AnthropicRequests.wantsJson(request));
    }

    private static VendorCalls.ErrorMapper errors(ProviderContext context) {
        return (status, body, header) -> AnthropicErrors.map(status, body, header, context.json());
    }

    private static Map<String, String> headers(Deployment deployment) {
        Map<String, String> headers = new HashMap<>(deployment.extraHeaders());
        apiKey(deployment).ifPresent(key -> headers.put("x-api-key", key.value()));
        headers.put("anthropic-version", deployment.extraParams().path("anthropic_version").asText(API_VERSION));
        return headers;
    }

    private static Optional<Secret> apiKey(Deployment deployment) {
        return deployment.apiKey().or(() -> Optional.ofNullable(System.getenv("ANTHROPIC_API_KEY"))
                .filter(value -> !value.isBlank()).map(Secret::new));
    }

    /** {@code api_base} may be the host, the host with {@code /v1}, or the whole messages URL. */
    static URI endpoint(Deployment deployment) {
        String base = deployment.apiBase().orElse(DEFAULT_BASE);
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (base.endsWith("/v1/messages")) {
            return URI.create(base);
        }
        return URI.create(base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages");
    }
}
