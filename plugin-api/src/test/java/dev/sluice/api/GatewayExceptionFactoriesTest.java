package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayExceptionFactoriesTest {

    @Test
    void aVendorStatusMeansTheKindTheRouterActsOn() {
        assertEquals(ErrorKind.RATE_LIMITED, ErrorKind.ofUpstreamStatus(429));
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, ErrorKind.ofUpstreamStatus(503));
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, ErrorKind.ofUpstreamStatus(529));
        assertEquals(ErrorKind.UPSTREAM_ERROR, ErrorKind.ofUpstreamStatus(500));
        assertEquals(ErrorKind.AUTHENTICATION, ErrorKind.ofUpstreamStatus(401));
        assertEquals(ErrorKind.PERMISSION_DENIED, ErrorKind.ofUpstreamStatus(403));
        assertEquals(ErrorKind.TIMEOUT, ErrorKind.ofUpstreamStatus(408));
        assertEquals(ErrorKind.BAD_REQUEST, ErrorKind.ofUpstreamStatus(422));
    }

    @Test
    void factoriesCarryTheStatusTheRetryHintAndTheCode() {
        GatewayException limited = GatewayException.fromUpstream(429, "slow down", Duration.ofSeconds(7));
        assertEquals(ErrorKind.RATE_LIMITED, limited.kind());
        assertEquals(429, limited.status());
        assertEquals("429", limited.code(), "LiteLLM's code is the status as a string");
        assertEquals(Optional.of(Duration.ofSeconds(7)), limited.retryAfter());
        assertEquals(ErrorKind.RATE_LIMITED, GatewayException.rateLimited("x", null).kind());
        assertEquals(ErrorKind.CONTEXT_WINDOW_EXCEEDED, GatewayException.contextWindowExceeded("x").kind());
        assertEquals(400, GatewayException.contentPolicy("x").status());
        GatewayException broken = GatewayException.upstreamUnavailable("gone", new java.io.IOException("reset"));
        assertEquals(503, broken.status());
        assertEquals("gone", broken.getMessage(), "the cause stays out of the message");
    }
}
