package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers what Helidon refuses before any route runs (a malformed request line or header, a URI
 * or headers over their limits, a body over the size limit) with the same OpenAI-shaped JSON as
 * every other error, where Helidon would send an empty or HTML body. Helidon's own message is not
 * echoed: it may quote the request, and a request may carry a key.
 */
final class EdgeErrors implements DirectHandler {

    private final ErrorResponses errors;
    private final long maxBodyBytes;

    EdgeErrors(ErrorResponses errors, long maxBodyBytes) {
        this.errors = errors;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @return handlers for every kind of event that bypasses routing */
    DirectHandlers all() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, this);
        }
        return handlers.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        GatewayException error = new GatewayException(status.code() >= 500 ? ErrorKind.INTERNAL : ErrorKind.BAD_REQUEST,
                status.code(), message(status), null, null, null, null);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .keepAlive(eventType.keepAlive())
                .entity(errors.bytes(error))
                .build();
    }

    private String message(Status status) {
        return switch (status.code()) {
            case 413 -> "The request body is larger than the " + maxBodyBytes / (1024 * 1024)
                    + " MB this gateway accepts (general_settings.max_request_size_mb).";
            case 414 -> "The request line is longer than the " + SluiceServer.MAX_REQUEST_LINE / 1024
                    + " KB this gateway accepts. Send long parameters in the body.";
            case 431 -> "The request's headers are larger than the " + SluiceServer.MAX_HEADERS / 1024
                    + " KB this gateway accepts.";
            case 403 -> "The request was refused.";
            case 505 -> "This HTTP version is not supported. Use HTTP/1.1 or HTTP/2.";
            default -> status.code() >= 500 ? "Internal error in the gateway while reading the request; the log "
                    + "has details." : "The request is not valid HTTP (its request line, a header or its framing "
                    + "is malformed). Check the client.";
        };
    }
}
