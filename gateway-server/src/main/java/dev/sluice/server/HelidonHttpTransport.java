package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.api.UpstreamStream;
import io.helidon.http.HeaderNames;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link HttpTransport} handed to provider plugins: one Helidon WebClient with pooled
 * keep-alive connections and TCP_NODELAY, so streamed chunks are not held back by Nagle. Timeouts
 * are per read: for a whole response, the longest silence before it completes; for a stream, the
 * longest wait for the next bytes.
 */
final class HelidonHttpTransport implements HttpTransport {

    private final WebClient client;
    private volatile UpstreamTlsSettings tls;

    HelidonHttpTransport() {
        this(UpstreamTlsSettings.defaults());
    }

    /** @param tls the TLS of every upstream, and of the origins whose deployments set their own */
    HelidonHttpTransport(UpstreamTlsSettings tls) {
        this.tls = tls;
        var builder = WebClient.builder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(false)
                .socketOptions(options -> options.tcpNoDelay(true).socketKeepAlive(true))
                .connectionCacheSize(512)
                // a cache of its own: Helidon's shared one closes in a JVM shutdown hook of its own,
                // which failed every upstream call made while the gateway drained after SIGTERM
                .shareConnectionCache(false);
        tls.everyUpstream().ifPresent(builder::tls);
        this.client = builder.build();
    }

    /** Uses new per-origin settings from now on (the model list changed); the every-upstream ones stay. */
    void useTls(UpstreamTlsSettings settings) {
        this.tls = settings;
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        HttpClientResponse response = open(request);
        try (response) {
            byte[] body = readBody(response);
            Map<String, List<String>> headers = new HashMap<>();
            response.headers().forEach(header -> headers.put(header.name().toLowerCase(Locale.ROOT), header.allValues()));
            return new UpstreamResponse(response.status().code(), headers, body);
        } catch (GatewayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // a connection dropped mid-body: Helidon reports it with unchecked exceptions of its own
            throw failure(request, e);
        }
    }

    /**
     * Reads a whole body into an array of its declared length: reading it in default-sized chunks
     * made Helidon and the JDK allocate 16 KB buffers for a 0.5 KB answer, the largest source of
     * garbage on the request path. The body is read to its end (the read that returns -1): only
     * then does Helidon give the connection back to its pool rather than close it.
     */
    private static byte[] readBody(HttpClientResponse response) throws IOException {
        InputStream in = response.inputStream();
        java.util.OptionalLong declared = response.headers().contentLength();
        if (declared.isEmpty() || declared.getAsLong() > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        return JsonBodyReader.readExactly(in, (int) declared.getAsLong());
    }

    @Override
    public UpstreamStream stream(UpstreamRequest request) {
        HttpClientResponse response = open(request);
        InputStream body = new FilterInputStream(response.inputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                } catch (GatewayException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Helidon reports a connection dropped mid-body with unchecked exceptions of its own
                    throw new IOException("the upstream connection broke off", e);
                }
            }
        };
        return new UpstreamStream() {
            private boolean closed;

            @Override
            public int status() {
                return response.status().code();
            }

            @Override
            public Optional<String> header(String name) {
                return response.headers().first(HeaderNames.create(name));
            }

            @Override
            public InputStream body() {
                return body;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    try {
                        response.close();
                    } catch (RuntimeException ignored) {
                        // an aborted connection has nothing left to release
                    }
                }
            }
        };
    }

    private HttpClientResponse open(UpstreamRequest request) {
        HttpClientRequest call = client.method(Method.create(request.method()))
                .readTimeout(request.timeout());
        URI target = request.uri();
        tls.forUri(target).ifPresent(call::tls);
        if (target.getRawPath() != null && target.getRawPath().indexOf('%') >= 0) {
            // Helidon decodes a URI's path and encodes it again, turning %3A into ':' and %2F into
            // '/'; a plugin's path must reach the upstream exactly as written (SigV4 signs it). With
            // encoding skipped Helidon sends the decoded form, so hand it the path encoded twice.
            call.uri(URI.create(target.getScheme() + "://" + target.getRawAuthority()
                    + target.getRawPath().replace("%", "%25")
                    + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery().replace("%", "%25"))))
                    .skipUriEncoding(true);
        } else {
            call.uri(target);
        }
        request.headers().forEach((name, value) -> call.header(HeaderNames.create(name), value));
        // The attempt's span, when tracing is on, continues at the upstream; without one nothing is added.
        W3CTraceContextPropagator.getInstance().inject(Context.current(), call,
                (carrier, name, value) -> carrier.header(HeaderNames.create(name), value));
        try {
            return request.body().length == 0 ? call.request() : call.submit(request.body());
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            // a refused or dropped connection; Helidon throws unchecked exceptions of several kinds
            throw failure(request, e);
        }
    }

    private static GatewayException failure(UpstreamRequest request, Exception e) {
        String where = request.uri().getHost() + ":" + request.uri().getPort();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return new GatewayException(ErrorKind.TIMEOUT, 408, "The upstream at " + where
                        + " did not answer within " + request.timeout().toMillis() + " ms.", null, null, null, e);
            }
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, "Could not connect to the upstream at "
                        + where + " (" + cause.getClass().getSimpleName() + ").", null, null, null, e);
            }
        }
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, "The connection to the upstream at " + where
                + " failed (" + e.getClass().getSimpleName() + ").", null, null, null, e);
    }
}
