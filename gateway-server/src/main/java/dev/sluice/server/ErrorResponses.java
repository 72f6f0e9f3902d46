package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes error JSON: {@code {"error": {"message", "type", "param", "code"}}},
 * {@code code} being the HTTP status as a string as in LiteLLM's errors, with the error's HTTP status (and {@code Retry-After} when known), as a whole response or as an
 * SSE event once a stream has begun. Everything else throws {@link GatewayException}.
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final JsonResponses responses;

    ErrorResponses(JsonResponses responses) {
        this.responses = responses;
    }

    /** @return the error for an unexpected exception; its message is logged, never sent */
    static GatewayException internal(Throwable unexpected) {
        LOG.error("Unexpected failure while serving a request", unexpected);
        return GatewayException.of(ErrorKind.INTERNAL,
                "Internal error in the gateway (" + unexpected.getClass().getSimpleName() + "); the log has details.");
    }

    ObjectNode body(GatewayException error) {
        ObjectNode body = responses.mapper().createObjectNode();
        ObjectNode detail = body.putObject("error");
        detail.put("message", error.getMessage());
        detail.put("type", error.type());
        if (error.param().isPresent()) {
            detail.put("param", error.param().get());
        } else {
            detail.putNull("param");
        }
        // LiteLLM's error.code is always the HTTP status as a string (its ProxyException), and clients
        // match on it; a vendor's own code (rate_limit_exceeded...) would break them.
        detail.put("code", Integer.toString(error.status()));
        return body;
    }

    byte[] bytes(GatewayException error) {
        return responses.bytes(body(error));
    }

    void send(ServerResponse response, GatewayException error) {
        if (response.isSent()) {
            return;
        }
        error.retryAfter().ifPresent(delay -> response.header(HeaderNames.RETRY_AFTER, seconds(delay)));
        responses.send(response, error.status(), body(error));
    }

    private static String seconds(Duration delay) {
        long seconds = (delay.toMillis() + 999) / 1000;
        return Long.toString(Math.max(seconds, 0));
    }
}
