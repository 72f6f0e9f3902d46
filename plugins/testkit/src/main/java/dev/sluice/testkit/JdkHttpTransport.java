package dev.sluice.testkit;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link HttpTransport} on the JDK's HTTP client, for testing provider adapters without the
 * gateway. It honours the transport contract: unreachable upstreams and timeouts become
 * {@link GatewayException}s of the canonical kinds.
 */
public final class JdkHttpTransport implements HttpTransport {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        return new UpstreamResponse(response.statusCode(), lowerCase(response.headers().map()), response.body());
    }

    @Override
    public UpstreamStream stream(UpstreamRequest request) {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        return new UpstreamStream() {
            @Override
            public int status() {
                return response.statusCode();
            }

            @Override
            public Optional<String> header(String name) {
                return response.headers().firstValue(name);
            }

            @Override
            public InputStream body() {
                return response.body();
            }

            @Override
            public void close() {
                try {
                    response.body().close();
                } catch (IOException ignored) {
                    // closing an aborted body has nothing left to release
                }
            }
        };
    }

    private <T> HttpResponse<T> exchange(UpstreamRequest request, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(request.timeout())
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(builder::header);
        try {
            return client.send(builder.build(), handler);
        } catch (HttpTimeoutException e) {
            throw new GatewayException(ErrorKind.TIMEOUT, 408, "The upstream did not answer within "
                    + request.timeout().toMillis() + " ms.", null, null, null, e);
        } catch (ConnectException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, "Could not connect to the upstream at "
                    + request.uri().getHost() + ":" + request.uri().getPort() + ".", null, null, null, e);
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, "The upstream connection failed: "
                    + e.getClass().getSimpleName(), null, null, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "Interrupted while calling the upstream.");
        }
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> result = new HashMap<>();
        headers.forEach((name, values) -> result.put(name.toLowerCase(Locale.ROOT), values));
        return result;
    }
}
