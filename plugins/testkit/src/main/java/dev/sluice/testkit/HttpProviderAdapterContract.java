package dev.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderContext;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The contract of adapters that call an upstream over HTTP: on top of
 * {@link ProviderAdapterContract}, vendor errors map to the canonical kinds the router acts on,
 * and the provider key never reaches an error message.
 */
public abstract class HttpProviderAdapterContract extends ProviderAdapterContract {

    /** The provider key deployments in these tests carry. */
    protected static final String PROVIDER_KEY = "sk-contract-provider-key-0123456789";

    /** @return the vendor's fake upstream the deployment points at */
    protected abstract FakeUpstream upstream();

    /** @return a deployment the adapter serves, calling the upstream at the given base URI */
    protected abstract Deployment deploymentAt(URI upstreamBase);

    @Override
    protected Deployment deployment() {
        return deploymentAt(upstream().baseUri());
    }

    private GatewayException failingCall(int status, String retryAfter) {
        upstream().failNext(status, retryAfter);
        GatewayException e = assertThrows(GatewayException.class,
                () -> adapter().chat(chatRequest(false, false), context()));
        assertFalse(e.getMessage().contains(PROVIDER_KEY), "an error message leaked the provider key");
        return e;
    }

    @Test
    void sendsTheProviderKeyUpstream() {
        adapter().chat(chatRequest(false, false), context());
        RecordedRequest request = upstream().takeRequest();
        assertTrue(request.headers().values().stream().flatMap(java.util.List::stream)
                .anyMatch(value -> value.contains(PROVIDER_KEY)), "the provider key was not sent upstream");
    }

    @Test
    void upstreamAuthFailureIsAnAuthenticationError() {
        GatewayException e = failingCall(401, null);
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertEquals(401, e.status());
    }

    @Test
    void upstreamRateLimitCarriesItsRetryAfter() {
        GatewayException e = failingCall(429, "7");
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(429, e.status());
        assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    }

    @Test
    void upstreamServerErrorIsRetryable() {
        GatewayException e = failingCall(500, null);
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertTrue(e.kind().retryable());
    }

    @Test
    void contextWindowErrorIsRecognised() {
        upstream().failNextWithBody(400, upstream().contextWindowErrorBody(), null);
        GatewayException e = assertThrows(GatewayException.class,
                () -> adapter().chat(chatRequest(false, false), context()));
        assertEquals(ErrorKind.CONTEXT_WINDOW_EXCEEDED, e.kind());
    }

    @Test
    void aPlainBadRequestIsNotTakenForAContextWindowError() {
        String body = upstream().badRequestBody();
        org.junit.jupiter.api.Assumptions.assumeTrue(body != null, "the fake upstream gives no plain bad-request body");
        upstream().failNextWithBody(400, body, null);
        GatewayException e = assertThrows(GatewayException.class,
                () -> adapter().chat(chatRequest(false, false), context()));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind(), "only the vendor's context-window error triggers the "
                + "context-window fallbacks");
        assertEquals(400, e.status());
    }

    @Test
    void streamFailureBeforeTheFirstChunkIsReportedAsTheVendorError() {
        upstream().failNext(429, "3");
        GatewayException e = assertThrows(GatewayException.class,
                () -> adapter().streamChat(chatRequest(true, false), context()).next());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
    }

    @Test
    void theDeploymentsExtraHeadersReachTheUpstream() {
        Deployment withHeaders = Deployments.withExtraHeaders(deployment(), java.util.Map.of("X-Contract-Header", "here"));
        adapter().chat(chatRequest(false, false), new ProviderContext(withHeaders, transport(), JSON, "call-contract"));
        assertEquals(java.util.List.of("here"), upstream().takeRequest().headers().get("x-contract-header"),
                "every upstream call must go through context.transport(), which adds extra_headers");
    }

    @Test
    void aStalledUpstreamIsATimeout() {
        java.util.concurrent.CountDownLatch release = upstream().stallNext();
        try {
            Deployment impatient = Deployments.withTimeouts(deployment(), Duration.ofMillis(300), Duration.ofMillis(300));
            GatewayException e = assertThrows(GatewayException.class, () -> adapter().chat(chatRequest(false, false),
                    new ProviderContext(impatient, transport(), JSON, "call-contract")));
            assertEquals(ErrorKind.TIMEOUT, e.kind(), "pass deployment.timeout() as the upstream request's timeout");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aStreamCutMidWayEndsInARetryableErrorNotASilentEnd() {
        CuttingTransport whole = new CuttingTransport(transport(), Long.MAX_VALUE);
        try (var stream = adapter().streamChat(chatRequest(true, true), new ProviderContext(deployment(), whole, JSON,
                "call-contract"))) {
            while (stream.next() != null) {
                // the whole stream, to learn its length
            }
        }
        CuttingTransport cut = new CuttingTransport(transport(), Math.max(1, whole.bytesRead() / 2));
        RuntimeException failure = null;
        try (var stream = adapter().streamChat(chatRequest(true, true), new ProviderContext(deployment(), cut, JSON,
                "call-contract"))) {
            while (stream.next() != null) {
                // until the cut
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        assertTrue(failure != null, "a stream whose connection broke off half-way must end in an error, not as if "
                + "it were complete");
        boolean upstreamsFault = failure instanceof GatewayException error ? error.kind().retryable()
                : failure instanceof java.io.UncheckedIOException;
        assertTrue(upstreamsFault, "a dropped connection is the upstream's retryable fault: throw a GatewayException of "
                + "a retryable kind, or let the reader's UncheckedIOException through; got " + failure);
    }

    @Test
    void unreachableUpstreamIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Deployment nowhere = deploymentAt(URI.create("http://127.0.0.1:" + closedPort));
        GatewayException e = assertThrows(GatewayException.class, () -> adapter().chat(chatRequest(false, false),
                new ProviderContext(nowhere, transport(), JSON, "call-contract-test")));
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, e.kind());
    }
}
