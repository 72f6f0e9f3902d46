package dev.sluice.plugins.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * Maps Anthropic's errors ({@code {"type":"error","error":{"type","message"}}}, per its "Errors"
 * reference: {@code invalid_request_error} 400, {@code authentication_error} 401,
 * {@code permission_error} 403, {@code not_found_error} 404, {@code request_too_large} 413,
 * {@code rate_limit_error} 429, {@code api_error} 500, {@code overloaded_error} 529) to the
 * canonical kinds, with the vendor's status, message and {@code retry-after}. A prompt too long
 * ("prompt is too long: N tokens > M maximum") is a context-window error.
 */
final class AnthropicErrors {

    private AnthropicErrors() {
    }

    static GatewayException map(int status, byte[] body, Function<String, Optional<String>> header, ObjectMapper json) {
        JsonNode error = VendorCalls.errorJson(body, json).path("error");
        Duration retryAfter = RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"),
                Instant.now()).orElse(null);
        return of(status, error.path("type").asText(""), error.path("message").asText("HTTP " + status), retryAfter);
    }

    /** @return the error an {@code error} event in a stream carries */
    static GatewayException midStream(JsonNode event) {
        String type = event.path("error").path("type").asText("api_error");
        int status = switch (type) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            default -> 500;
        };
        return of(status, type, event.path("error").path("message").asText("stream error"), null);
    }

    private static GatewayException of(int status, String type, String message, Duration retryAfter) {
        String lower = message.toLowerCase(Locale.ROOT);
        boolean promptTooLong = status == 400 && (lower.contains("prompt is too long") || lower.contains("context window")
                || lower.contains("too many total text bytes"));
        ErrorKind kind = promptTooLong ? ErrorKind.CONTEXT_WINDOW_EXCEEDED : VendorCalls.kindOf(status);
        // 529 is Anthropic's own status; callers and their SDKs know 503 for "try again later".
        return new GatewayException(kind, status == 529 ? 503 : status, "anthropic error: " + message, null,
                type.isBlank() ? null : type, retryAfter, null);
    }
}
