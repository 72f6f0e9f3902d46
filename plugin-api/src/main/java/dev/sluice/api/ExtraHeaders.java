package dev.sluice.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A transport that sends a deployment's {@code extra_headers} with every request: they win over
 * a header of the same name (in any case) that the plugin set, as LiteLLM's do. What every plugin
 * would otherwise have to remember, done once where every plugin's calls pass.
 */
final class ExtraHeaders implements HttpTransport {

    private final HttpTransport transport;
    private final Map<String, String> headers;

    private ExtraHeaders(HttpTransport transport, Map<String, String> headers) {
        this.transport = transport;
        this.headers = headers;
    }

    /** @return the transport, adding the headers; itself when there are none or it adds them already */
    static HttpTransport around(HttpTransport transport, Map<String, String> headers) {
        if (headers.isEmpty() || (transport instanceof ExtraHeaders added && added.headers.equals(headers))) {
            return transport;
        }
        return new ExtraHeaders(transport, headers);
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        return transport.send(with(request));
    }

    @Override
    public UpstreamStream stream(UpstreamRequest request) {
        return transport.stream(with(request));
    }

    private UpstreamRequest with(UpstreamRequest request) {
        Map<String, String> all = new HashMap<>();
        request.headers().forEach((name, value) -> {
            if (!containsIgnoringCase(headers, name)) {
                all.put(name, value);
            }
        });
        all.putAll(headers);
        return new UpstreamRequest(request.method(), request.uri(), all, request.body(), request.timeout());
    }

    private static boolean containsIgnoringCase(Map<String, String> headers, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String each : headers.keySet()) {
            if (each.toLowerCase(Locale.ROOT).equals(lower)) {
                return true;
            }
        }
        return false;
    }
}
