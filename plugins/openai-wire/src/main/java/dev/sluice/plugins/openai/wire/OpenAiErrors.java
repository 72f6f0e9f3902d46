package dev.sluice.plugins.openai.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.RetryAfter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * Maps an OpenAI-format error answer ({@code {"error": {"message", "type", "param", "code"}}}, per
 * OpenAI's "Error codes" reference) to the canonical kinds, keeping the vendor's status and message.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static GatewayException map(String provider, int status, byte[] body, Function<String, Optional<String>> header,
                                ObjectMapper json) {
        JsonNode error = VendorCalls.errorJson(body, json).path("error");
        String message = error.path("message").asText("");
        if (message.isBlank()) {
            message = "HTTP " + status + (body.length > 0 ? ": " + snippet(body) : "");
        }
        String code = error.path("code").asText("");
        String param = error.path("param").isTextual() ? error.path("param").asText() : null;
        Duration retryAfter = RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"),
                Instant.now()).orElse(null);
        ErrorKind kind = kind(status, code, message);
        return new GatewayException(kind, status, provider + " error: " + message, param,
                code.isBlank() ? null : code, retryAfter, null);
    }

    private static ErrorKind kind(int status, String code, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400, 404, 413, 422 -> {
                if (code.equals("context_length_exceeded") || lower.contains("maximum context length")
                        || lower.contains("context window")) {
                    yield ErrorKind.CONTEXT_WINDOW_EXCEEDED;
                }
                if (code.equals("content_policy_violation") || code.equals("content_filter")) {
                    yield ErrorKind.CONTENT_POLICY;
                }
                yield ErrorKind.BAD_REQUEST;
            }
            default -> VendorCalls.kindOf(status);
        };
    }

    private static String snippet(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return text.replaceAll("\\s+", " ").trim();
    }
}
