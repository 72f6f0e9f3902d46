package dev.sluice.plugins.kit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A vendor's JSON calls, as every HTTP provider plugin makes them: the body serialised, the
 * answer read as JSON, a non-2xx answer turned into the canonical error by the vendor's own
 * {@link ErrorMapper}, and a broken or silent stream reported as such.
 */
public final class VendorCalls {

    /** Reads a vendor's error answer into the canonical error. */
    @FunctionalInterface
    public interface ErrorMapper {

        /**
         * @param status the HTTP status
         * @param body   the answer's body (possibly cut short)
         * @param header the answer's headers, by name
         * @return the error to throw
         */
        GatewayException map(int status, byte[] body, Function<String, Optional<String>> header);
    }

    private VendorCalls() {
    }

    /** @return the upstream's JSON answer to a JSON {@code POST} */
    public static JsonNode post(ProviderContext context, URI uri, Map<String, String> headers, JsonNode body,
                                ErrorMapper errors) {
        Deployment deployment = context.deployment();
        UpstreamResponse response = context.transport().send(UpstreamRequest.postJson(uri, headers,
                bytes(body, context.json()), deployment.timeout()));
        return answer(response, deployment, context.json(), errors);
    }

    /** @return the JSON of a whole answer, or its canonical error */
    public static JsonNode answer(UpstreamResponse response, Deployment deployment, ObjectMapper json,
                                  ErrorMapper errors) {
        if (response.status() / 100 != 2) {
            throw errors.map(response.status(), response.body(), response::header);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR,
                    deployment.provider() + " answered with a body that is not valid JSON.");
        }
    }

    /** @return the upstream's streamed answer to a JSON {@code POST}, once it has answered 2xx */
    public static UpstreamStream stream(ProviderContext context, URI uri, Map<String, String> headers, JsonNode body,
                                        ErrorMapper errors) {
        return opened(context.transport().stream(UpstreamRequest.postJson(uri, headers, bytes(body, context.json()),
                context.deployment().streamTimeout())), context.deployment(), errors);
    }

    /** @return the stream if it answered 2xx; else, closed, its canonical error is thrown */
    public static UpstreamStream opened(UpstreamStream upstream, Deployment deployment, ErrorMapper errors) {
        if (upstream.status() / 100 == 2) {
            return upstream;
        }
        try (upstream) {
            byte[] error = upstream.body().readNBytes(64 * 1024);
            throw errors.map(upstream.status(), error, upstream::header);
        } catch (IOException e) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, deployment.provider() + " answered HTTP "
                    + upstream.status() + " and its error body could not be read.");
        }
    }

    /** @return a stream's read failure: silence past {@code stream_timeout}, or a broken connection */
    public static GatewayException streamFailure(String provider, IOException cause) {
        if (cause instanceof SocketTimeoutException) {
            return new GatewayException(ErrorKind.TIMEOUT, 408, provider
                    + " stopped sending the stream for longer than stream_timeout.", null, null, null, cause);
        }
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, provider
                + " stream broke off: " + cause.getClass().getSimpleName(), null, null, null, cause);
    }

    /** @return the canonical kind a vendor's HTTP status means: {@link ErrorKind#ofUpstreamStatus} */
    public static ErrorKind kindOf(int status) {
        return ErrorKind.ofUpstreamStatus(status);
    }

    /** @return the JSON bytes of a body */
    public static byte[] bytes(JsonNode body, ObjectMapper json) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** @return the JSON of an error body, or a missing node when it is none */
    public static JsonNode errorJson(byte[] body, ObjectMapper json) {
        try {
            return body.length == 0 ? json.missingNode() : json.readTree(body);
        } catch (IOException e) {
            return json.missingNode();
        }
    }
}
