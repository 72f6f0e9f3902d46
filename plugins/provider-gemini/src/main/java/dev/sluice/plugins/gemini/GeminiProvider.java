package dev.sluice.plugins.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
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
 * Gemini, through Google AI Studio for {@code gemini/} deployments and through Vertex AI for
 * {@code vertex_ai/} ones: the same {@code generateContent} / {@code streamGenerateContent?alt=sse}
 * wire format at different addresses with different credentials. AI Studio: {@code api_base}
 * (default {@value #DEFAULT_BASE}), the key ({@code api_key}, else {@code GEMINI_API_KEY}) in the
 * {@code x-goog-api-key} header, never in a URL; embeddings through {@code :batchEmbedContents}.
 * Vertex AI: {@code {location}-aiplatform.googleapis.com/v1/projects/{vertex_project}/locations/
 * {vertex_location}/publishers/google/models/...} ({@code VERTEXAI_PROJECT},
 * {@code VERTEXAI_LOCATION}, default {@value #DEFAULT_LOCATION}), with a service account's OAuth
 * token ({@link GoogleTokens}); its embeddings through {@code :predict}.
 */
@Extension
public final class GeminiProvider implements ProviderAdapter {

    static final String DEFAULT_BASE = "https://generativelanguage.googleapis.com";
    static final String DEFAULT_LOCATION = "us-central1";
    private static final String VERTEX = "vertex_ai";

    private final GoogleTokens vertexTokens = new GoogleTokens();

    @Override
    public Set<String> providers() {
        return Set.of("gemini", VERTEX);
    }

    @Override
    public void validate(Deployment deployment) {
        if (deployment.provider().equals(VERTEX)) {
            if (!deployment.providerModel().startsWith("gemini") && !deployment.providerModel().contains("embedding")) {
                throw new IllegalArgumentException("model: only Gemini models are served on vertex_ai (got '"
                        + deployment.providerModel() + "'); use the anthropic plugin's API for Claude");
            }
            if (vertexProject(deployment).isEmpty()) {
                throw new IllegalArgumentException("vertex_project is required for vertex_ai (or set VERTEXAI_PROJECT)");
            }
        }
        RequestChecks.apiBase(deployment);
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        JsonNode answer = send(":generateContent", GeminiRequests.generate(request, context.deployment(), context.json()),
                context);
        return new ModelResponse(GeminiResponses.completion(answer, context.json()));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        Deployment deployment = context.deployment();
        UpstreamStream upstream = VendorCalls.stream(context, endpoint(deployment, ":streamGenerateContent?alt=sse"),
                headers(context), GeminiRequests.generate(request, deployment, context.json()), errors(context));
        return new GeminiChunkStream(upstream, context.json());
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        if (context.deployment().provider().equals(VERTEX)) {
            JsonNode predictions = send(":predict", GeminiRequests.predict(request, context.json()), context);
            return new ModelResponse(GeminiResponses.predictions(predictions, context.deployment().providerModel(),
                    context.json()));
        }
        JsonNode answer = send(":batchEmbedContents", GeminiRequests.embed(request, context.deployment(), context.json()),
                context);
        return new ModelResponse(GeminiResponses.embeddings(answer, context.deployment().providerModel(), context.json()));
    }

    /**
     * Image generation with Google's Imagen models ({@code :predict}, on AI Studio and Vertex AI
     * alike): the prompt and count as Imagen's instance and parameters, OpenAI's size as an aspect
     * ratio; the images come back as base64, as OpenAI's {@code b64_json}. Other endpoints are
     * not offered.
     */
    @Override
    public ModelResult serve(EndpointRequest request, ProviderContext context) {
        if (request.operation() != ModelRequest.Operation.IMAGE_GENERATION) {
            throw ProviderAdapter.unsupported(request.operation().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' '), context);
        }
        JsonNode predictions = send(":predict", GeminiRequests.imagen(request, context.json()), context);
        return new ModelResponse(GeminiResponses.images(predictions, context.json()));
    }

    private JsonNode send(String method, ObjectNode body, ProviderContext context) {
        return VendorCalls.post(context, endpoint(context.deployment(), method), headers(context), body, errors(context));
    }

    private static VendorCalls.ErrorMapper errors(ProviderContext context) {
        return (status, body, header) -> GeminiResponses.error(status, body, header, context.json());
    }

    private Map<String, String> headers(ProviderContext context) {
        Deployment deployment = context.deployment();
        Map<String, String> headers = new HashMap<>(deployment.extraHeaders());
        if (deployment.provider().equals(VERTEX)) {
            headers.put("Authorization", "Bearer " + vertexTokens.tokenFor(context));
        } else {
            apiKey(deployment).ifPresent(key -> headers.put("x-goog-api-key", key.value()));
        }
        return headers;
    }

    private static Optional<String> vertexProject(Deployment deployment) {
        return setting(deployment, "vertex_project", "VERTEXAI_PROJECT");
    }

    private static Optional<String> setting(Deployment deployment, String param, String variable) {
        JsonNode value = deployment.extraParams().get(param);
        if (value != null && value.isTextual() && !value.asText().isBlank()) {
            return Optional.of(value.asText());
        }
        return Optional.ofNullable(System.getenv(variable)).filter(text -> !text.isBlank());
    }

    private static Optional<Secret> apiKey(Deployment deployment) {
        return deployment.apiKey().or(() -> Optional.ofNullable(System.getenv("GEMINI_API_KEY"))
                .filter(value -> !value.isBlank()).map(Secret::new));
    }

    /** AI Studio: {@code api_base} is the host, with or without {@code /v1beta}. */
    static URI endpoint(Deployment deployment, String method) {
        if (deployment.provider().equals(VERTEX)) {
            String location = setting(deployment, "vertex_location", "VERTEXAI_LOCATION").orElse(DEFAULT_LOCATION);
            String host = location.equals("global") ? "https://aiplatform.googleapis.com"
                    : "https://" + location + "-aiplatform.googleapis.com";
            String base = deployment.apiBase().map(value -> value.replaceAll("/+$", "")).orElse(host);
            return URI.create(base + "/v1/projects/" + vertexProject(deployment).orElseThrow() + "/locations/" + location
                    + "/publishers/google/models/" + deployment.providerModel() + method);
        }
        String base = deployment.apiBase().orElse(DEFAULT_BASE);
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        base = base.endsWith("/v1beta") ? base : base + "/v1beta";
        return URI.create(base + "/models/" + deployment.providerModel() + method);
    }
}
