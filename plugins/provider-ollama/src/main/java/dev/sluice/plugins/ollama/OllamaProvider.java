package dev.sluice.plugins.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.UpstreamStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import dev.sluice.plugins.kit.RequestChecks;
import dev.sluice.plugins.kit.VendorCalls;
import org.pf4j.Extension;

/**
 * Ollama's native API for {@code ollama/} and {@code ollama_chat/} deployments: chat through
 * {@code POST /api/chat} (streamed as newline-delimited JSON) and embeddings through
 * {@code POST /api/embed}, at {@code api_base} (default {@value #DEFAULT_BASE}). An
 * {@code api_key}, for an Ollama behind an authenticating proxy, is sent as a bearer token.
 */
@Extension
public final class OllamaProvider implements ProviderAdapter {

    static final String DEFAULT_BASE = "http://localhost:11434";

    @Override
    public Set<String> providers() {
        return Set.of("ollama", "ollama_chat");
    }

    @Override
    public void validate(Deployment deployment) {
        RequestChecks.apiBase(deployment);
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        JsonNode answer = VendorCalls.post(context, endpoint(deployment, "/api/chat"), headers(deployment),
                OllamaRequests.chat(request, deployment, false, context.json()), errors(context));
        return new ModelResponse(OllamaResponses.completion(answer, context.json()));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        UpstreamStream upstream = VendorCalls.stream(context, endpoint(deployment, "/api/chat"), headers(deployment),
                OllamaRequests.chat(request, deployment, true, context.json()), errors(context));
        return new OllamaChunkStream(upstream, context.json());
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        JsonNode answer = VendorCalls.post(context, endpoint(deployment, "/api/embed"), headers(deployment),
                OllamaRequests.embed(request, deployment, context.json()), errors(context));
        return new ModelResponse(OllamaResponses.embeddings(answer, context.json()));
    }

    private static VendorCalls.ErrorMapper errors(ProviderContext context) {
        return (status, body, header) -> OllamaResponses.error(status, body, header, context.json());
    }

    private static Map<String, String> headers(Deployment deployment) {
        Map<String, String> headers = new HashMap<>(deployment.extraHeaders());
        deployment.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key.value()));
        return headers;
    }

    /** {@code api_base} is the server's root; a trailing {@code /v1} (its OpenAI endpoint) is taken off. */
    static URI endpoint(Deployment deployment, String path) {
        String base = deployment.apiBase().orElse(DEFAULT_BASE);
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        base = base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
        return URI.create(base + path);
    }
}
