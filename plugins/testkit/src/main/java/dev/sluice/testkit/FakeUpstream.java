package dev.sluice.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The base of every fake vendor upstream: an HTTP server on a free loopback port that records
 * what it receives and lets a test inject failures. Subclasses speak one vendor's wire format.
 */
public abstract class FakeUpstream implements AutoCloseable {

    private final HttpServer server;
    private final BlockingQueue<RecordedRequest> received = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<java.util.concurrent.CountDownLatch> stalls = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();

    /** Starts the server on 127.0.0.1 and a free port. */
    protected FakeUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** @return the server's base URI, e.g. {@code http://127.0.0.1:41234} */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Makes the next call fail with the vendor's error body for this status.
     *
     * @param status     the HTTP status
     * @param retryAfter the {@code Retry-After} header value, or {@code null}
     */
    public void failNext(int status, String retryAfter) {
        failures.addLast(new Failure(status, retryAfter, null));
    }

    /**
     * Makes the next call fail with this status and body.
     *
     * @param retryAfter the {@code Retry-After} header value, or {@code null}
     */
    public void failNextWithBody(int status, String body, String retryAfter) {
        failures.addLast(new Failure(status, retryAfter, body));
    }

    /** Makes the next call's connection close without an answer, as a crashed upstream's would. */
    public void resetNext() {
        resets.incrementAndGet();
    }

    /**
     * Makes the next call wait, without answering, until the returned latch is counted down (or
     * 30 seconds pass): a test of timeouts releases it when done instead of sleeping.
     */
    public java.util.concurrent.CountDownLatch stallNext() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        stalls.addLast(release);
        return release;
    }

    /** @return the next request received, waiting up to five seconds for it */
    public RecordedRequest takeRequest() {
        try {
            RecordedRequest request = received.poll(5, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("the fake upstream received no request within 5 seconds");
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return how many requests arrived that no test has taken yet */
    public int pendingRequests() {
        return received.size();
    }

    /**
     * Answers one request in the vendor's format.
     *
     * @param request  what arrived
     * @param exchange the exchange to answer on
     * @throws IOException if writing fails
     */
    protected abstract void handle(RecordedRequest request, HttpExchange exchange) throws IOException;

    /** @return the vendor's error body for an injected failure */
    protected abstract String errorBody(int status);

    /** @return the vendor's body for a prompt longer than the model's context window */
    protected String contextWindowErrorBody() {
        return errorBody(400);
    }

    /**
     * @return the vendor's body for a plain invalid request (a bad parameter value), which must not
     *         be taken for a context-window error; {@code null} skips that contract case
     */
    protected String badRequestBody() {
        return null;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            byte[] body = exchange.getRequestBody().readAllBytes();
            RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(), headers, body);
            received.add(request);
            java.util.concurrent.CountDownLatch stall = stalls.pollFirst();
            if (stall != null) {
                try {
                    stall.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (resets.getAndUpdate(count -> Math.max(0, count - 1)) > 0) {
                return; // closing the exchange unanswered drops the connection
            }
            Failure failure = failures.pollFirst();
            if (failure != null) {
                if (failure.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", failure.retryAfter());
                }
                sendJson(exchange, failure.status(), failure.body() != null ? failure.body()
                        : errorBody(failure.status()));
                return;
            }
            handle(request, exchange);
        } catch (IOException | RuntimeException e) {
            // The client went away mid-answer (a cancelled stream); nothing to report.
        }
    }

    /** Sends a whole JSON answer. */
    protected static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private record Failure(int status, String retryAfter, String body) {
    }
}
