package com.acme.sluice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Configurable;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.PluginSettings;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.RetryAfter;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Acme's generate API behind Sluice: a deployment whose {@code litellm_params.model} is
 * {@code acme/<model>} is served here. Acme's format: {@code POST /v1/generate} with the key in
 * {@code X-Acme-Key}, a body of {@code model}, {@code system}, {@code turns} ({@code speaker},
 * {@code text}), {@code max_tokens} and {@code stream}; an answer of {@code output}, {@code stop}
 * and {@code tokens} ({@code in}, {@code out}), or SSE {@code delta} events and a {@code done}
 * event; errors as {@code {"error": {"kind", "message"}}}. The API version every call names
 * ({@code Acme-Version}) is a plugin-wide setting: {@code plugin_settings.acme-provider.api_version}.
 */
@Extension
public final class AcmeProvider implements ProviderAdapter, Configurable {

    static final String DEFAULT_BASE = "https://api.acme.example";
    static final String DEFAULT_API_VERSION = "2025-01-01";

    /** Set once by the gateway before the first call; read by every call after. */
    private volatile String apiVersion = DEFAULT_API_VERSION;

    @Override
    public void configure(PluginSettings settings) {
        String version = settings.text("api_version", DEFAULT_API_VERSION);
        if (!version.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw settings.invalid("api_version", "expected a date like " + DEFAULT_API_VERSION);
        }
        apiVersion = version;
    }

    @Override
    public Set<String> providers() {
        return Set.of("acme");
    }

    @Override
    public void validate(Deployment deployment) {
        if (deployment.apiKey().isEmpty()) {
            throw new IllegalArgumentException("api_key is required: Acme's API needs a key (X-Acme-Key)");
        }
    }

    /** What Acme's API takes; the gateway refuses other parameters, or drops them under drop_params. */
    @Override
    public Set<String> chatParams(Deployment deployment) {
        return Set.of("max_tokens", "max_completion_tokens");
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        UpstreamResponse response = context.transport().send(call(request, context, false));
        JsonNode body = read(context.json(), response.body());
        if (response.status() >= 400) {
            throw error(response.status(), body, response.header("Retry-After"));
        }
        return ModelResponse.chat(context, body.path("output").asText(""), finishReason(body.path("stop").asText()),
                AcmeChunks.usage(body.path("tokens")));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        UpstreamStream stream = context.transport().stream(call(request, context, true));
        if (stream.status() >= 400) {
            try (stream) {
                throw error(stream.status(), read(context.json(), readAll(stream)), stream.header("Retry-After"));
            }
        }
        return new AcmeChunks(stream, context, request.includeUsage()); // the gateway always asks for it
    }

    private UpstreamRequest call(ChatRequest request, ProviderContext context, boolean stream) {
        Deployment deployment = context.deployment();
        ObjectNode body = context.json().createObjectNode().put("model", deployment.providerModel());
        StringBuilder system = new StringBuilder();
        var turns = body.putArray("turns");
        for (JsonNode message : request.body().path("messages")) {
            String role = message.path("role").asText();
            String text = text(message.path("content"));
            if (role.equals("system") || role.equals("developer")) {
                system.append(system.isEmpty() ? "" : "\n").append(text);
            } else if (role.equals("user") || role.equals("assistant")) {
                turns.addObject().put("speaker", role).put("text", text);
            } else {
                throw GatewayException.badRequest("Acme models take user, assistant and system messages, not '"
                        + role + "'.", "messages");
            }
        }
        if (!system.isEmpty()) {
            body.put("system", system.toString());
        }
        JsonNode maxTokens = request.body().has("max_completion_tokens") ? request.body().get("max_completion_tokens")
                : request.body().get("max_tokens");
        if (maxTokens != null && maxTokens.canConvertToInt()) {
            body.put("max_tokens", maxTokens.asInt());
        }
        body.put("stream", stream);
        URI base = URI.create(deployment.apiBase().orElse(DEFAULT_BASE).replaceAll("/+$", ""));
        return UpstreamRequest.postJson(URI.create(base + "/v1/generate"),
                Map.of("X-Acme-Key", deployment.apiKey().map(secret -> secret.value()).orElse(""),
                        "Acme-Version", apiVersion),
                body.toString().getBytes(StandardCharsets.UTF_8), stream ? deployment.streamTimeout() : deployment.timeout());
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!part.path("type").asText().equals("text")) {
                throw GatewayException.badRequest("Acme models take text only, not '" + part.path("type").asText()
                        + "' parts.", "messages");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    static String finishReason(String stop) {
        return stop.equals("limit") ? "length" : "stop";
    }

    /** Acme's error kinds as the gateway's, so the router retries, cools down or falls back. */
    static GatewayException error(int status, JsonNode body, Optional<String> retryAfter) {
        String message = "Acme: " + body.path("error").path("message").asText("HTTP " + status);
        return switch (body.path("error").path("kind").asText("")) {
            case "too_long" -> GatewayException.contextWindowExceeded(message);
            case "rate" -> GatewayException.rateLimited(message,
                    RetryAfter.parse(Optional.empty(), retryAfter, Instant.now()).orElse(null));
            case "auth" -> GatewayException.of(ErrorKind.AUTHENTICATION, message);
            case "invalid" -> GatewayException.badRequest(message, null);
            // otherwise the status decides: 429 rate limited, 503 unavailable, 5xx upstream error...
            default -> GatewayException.fromUpstream(status, message,
                    RetryAfter.parse(Optional.empty(), retryAfter, Instant.now()).orElse(null));
        };
    }

    static JsonNode read(ObjectMapper json, byte[] body) {
        try {
            return body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "Acme answered with something that is not JSON.");
        }
    }

    private static byte[] readAll(UpstreamStream stream) {
        try {
            return stream.body().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
