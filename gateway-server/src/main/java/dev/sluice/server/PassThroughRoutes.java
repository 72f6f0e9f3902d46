package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamStream;
import dev.sluice.core.Gateway;
import dev.sluice.core.config.PassThroughEndpoint;
import dev.sluice.core.passthrough.PassThroughCalls;
import dev.sluice.core.spend.EventLines;
import dev.sluice.core.spend.ReportedUsage;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.auth.ApiKeyHeaders;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Routes forwarded untranslated (LiteLLM's pass-through endpoints): {@code /openai},
 * {@code /openai_passthrough}, {@code /anthropic}, {@code /gemini}, {@code /cohere} to the
 * vendor's API with the gateway's provider key, {@code /bedrock} signed by the Bedrock plugin, and {@code general_settings.pass_through_endpoints}.
 * The caller presents a key of the gateway (in any header it accepts, or Gemini's {@code key}
 * parameter), never the vendor's; its budgets hold the call; the answer, streamed or whole, is
 * passed back byte for byte as it arrives, while the vendor's usage in it is read and priced
 * for the spend logs. Routes of the gateway's own (the translated {@code /openai/v1/chat/...},
 * {@code /anthropic/v1/messages}) are registered first and win.
 */
final class PassThroughRoutes {

    /** The most of a whole (not streamed) answer read for its usage; larger ones pass uncounted. */
    private static final int MAX_READ_FOR_USAGE = 16 * 1024 * 1024;
    private static final Set<String> NEVER_FORWARDED = Set.of("host", "content-length", "connection",
            "transfer-encoding", "cookie", "te", "upgrade", "keep-alive", "proxy-authorization");
    private static final Set<String> ANSWER_HEADERS = Set.of("content-type", "request-id", "x-request-id",
            "openai-processing-ms", "retry-after");
    private static final List<Method> METHODS = List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH, Method.DELETE);

    private final Gateway gateway;
    private final ObjectMapper json;
    private final HttpTransport transport;
    private final JsonBodyReader bodies;
    private final ErrorResponses errors;
    private final Duration timeout;

    PassThroughRoutes(Gateway gateway, HttpTransport transport, JsonBodyReader bodies, ErrorResponses errors) {
        this.gateway = gateway;
        this.json = gateway.json();
        this.transport = transport;
        this.bodies = bodies;
        this.errors = errors;
        this.timeout = gateway.config().requestTimeout();
    }

    void register(HttpRules rules) {
        for (PassThroughEndpoint endpoint : gateway.config().passThrough()) {
            for (Method method : METHODS) {
                rules.route(method, endpoint.path(), (req, res) -> forward(req, res, endpoint, ""));
                if (endpoint.includeSubpath()) {
                    // the path under the prefix as sent (still encoded), so the upstream gets it unchanged
                    rules.route(method, endpoint.path() + "/{+path}", (req, res) -> forward(req, res, endpoint,
                            req.path().rawPath().substring(endpoint.path().length())));
                }
            }
        }
    }

    private void forward(ServerRequest req, ServerResponse res, PassThroughEndpoint endpoint, String subpath) {
        GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), System.nanoTime(),
                new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
        res.header("x-litellm-call-id", context.callId());
        PassThroughCalls.Admission admission = null;
        ReportedUsage usage = new ReportedUsage(endpoint.vendor().orElse(""));
        try {
            if (endpoint.auth()) {
                context.principal(gateway.authenticator().authenticate(callerKey(req, endpoint, context),
                        context.clientAddress()));
            }
            if (endpoint.missingKey().isPresent()) {
                throw GatewayException.of(ErrorKind.NOT_FOUND, "This gateway does not pass " + endpoint.path()
                        + " through: it has no key for it. Its operator can set " + endpoint.missingKey().get()
                        + " in its environment.");
            }
            byte[] body = bodies.readRaw(req);
            usage.request(jsonOrNull(body), subpath);
            admission = gateway.passThrough().admit(context);
            UpstreamRequest upstream = new UpstreamRequest(req.prologue().method().text(), target(req, endpoint, subpath),
                    headers(req, endpoint), body, timeout);
            if (endpoint.signedBy().isPresent()) {
                upstream = signed(endpoint, upstream);
            }
            UpstreamStream answer = transport.stream(upstream);
            relay(res, answer, usage);
            finish(admission, endpoint, subpath, usage, answer.status() < 400 ? "success" : "failure");
        } catch (GatewayException e) {
            finish(admission, endpoint, subpath, usage, "failure");
            errors.send(res, e);
        }
    }

    /** A route whose provider's plugin authorizes each request (Bedrock's SigV4), with the environment's credentials. */
    private UpstreamRequest signed(PassThroughEndpoint endpoint, UpstreamRequest request) {
        String provider = endpoint.signedBy().get();
        dev.sluice.api.ProviderAdapter adapter = gateway.catalog().adapterFor(provider).orElseThrow(() ->
                GatewayException.of(ErrorKind.NOT_FOUND, "This gateway does not pass " + endpoint.path() + " through: "
                        + "no plugin serving '" + provider + "' is loaded."));
        com.fasterxml.jackson.databind.node.ObjectNode settings = json.createObjectNode();
        endpoint.signerSettings().forEach((name, value) -> {
            if (!name.equals("api_key")) {
                settings.put(name, value);
            }
        });
        dev.sluice.api.Deployment deployment = new dev.sluice.api.Deployment(provider + "-pass-through",
                endpoint.path(), provider, "pass-through", java.util.Optional.of(endpoint.target().toString()),
                java.util.Optional.ofNullable(endpoint.signerSettings().get("api_key")).map(dev.sluice.api.Secret::new),
                java.util.Optional.empty(), timeout, timeout, Map.of(), settings, json.createObjectNode());
        return adapter.authorize(request, deployment);
    }

    private void finish(PassThroughCalls.Admission admission, PassThroughEndpoint endpoint, String subpath,
                        ReportedUsage usage, String status) {
        if (admission != null) {
            admission.finish(endpoint, subpath, usage, status);
        }
    }

    /** The caller's key: in a header the gateway reads, or, on a Gemini route, Google's {@code key} parameter. */
    private static dev.sluice.api.Headers callerKey(ServerRequest req, PassThroughEndpoint endpoint,
                                                    GatewayCallContext context) {
        dev.sluice.api.Headers headers = context.requestHeaders();
        if (endpoint.keyParameter().isPresent() && ApiKeyHeaders.find(headers).isEmpty()) {
            String key = req.query().first(endpoint.keyParameter().get()).orElse(null);
            if (key != null) {
                return new dev.sluice.api.Headers() {
                    @Override
                    public java.util.Optional<String> first(String name) {
                        return name.equalsIgnoreCase("x-goog-api-key") ? java.util.Optional.of(key) : headers.first(name);
                    }

                    @Override
                    public List<String> all(String name) {
                        return name.equalsIgnoreCase("x-goog-api-key") ? List.of(key) : headers.all(name);
                    }
                };
            }
        }
        return headers;
    }

    private URI target(ServerRequest req, PassThroughEndpoint endpoint, String subpath) {
        StringBuilder query = new StringBuilder();
        String keyName = endpoint.keyParameter().orElse(null);
        for (String name : req.query().names()) {
            if (name.equals(keyName)) {
                continue; // the caller's gateway key, replaced by the provider's
            }
            for (String value : req.query().all(name)) {
                query.append(query.isEmpty() ? "" : "&").append(encode(name)).append('=').append(encode(value));
            }
        }
        String base = endpoint.target().toString().replaceAll("/+$", "");
        try {
            return URI.create(base + subpath + (query.isEmpty() ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("The path " + subpath + " is not a valid URL path to pass on.", null);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(ServerRequest req, PassThroughEndpoint endpoint) {
        Map<String, String> headers = new HashMap<>();
        boolean all = endpoint.forwarded().contains("*");
        req.headers().forEach(header -> {
            String name = header.name().toLowerCase(Locale.ROOT);
            boolean credential = ApiKeyHeaders.NAMES.contains(name);
            if (!credential && !NEVER_FORWARDED.contains(name) && (all || endpoint.forwarded().contains(name))) {
                headers.put(name, header.get());
            }
        });
        headers.putAll(endpoint.headers()); // the gateway's credentials win
        return headers;
    }

    private JsonNode jsonOrNull(byte[] body) {
        if (body.length == 0 || body[0] != '{') {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Passes the answer back as it arrives, reading the vendor's usage from it on the way. */
    private void relay(ServerResponse res, UpstreamStream answer, ReportedUsage usage) {
        String type = answer.header("content-type").orElse("application/octet-stream");
        boolean events = type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        res.status(Status.create(answer.status()));
        for (String name : ANSWER_HEADERS) {
            answer.header(name).ifPresent(value -> res.header(name, ModelRoutes.headerValue(value)));
        }
        UsageTap tap = events ? new EventsTap(usage) : new WholeTap(usage);
        try (answer; InputStream in = answer.body(); OutputStream out = res.outputStream()) {
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                if (events) {
                    out.flush();
                }
                tap.accept(buffer, read);
            }
        } catch (IOException | UncheckedIOException e) {
            // the caller or the upstream went away: what was relayed is what is charged
        }
        tap.end();
    }

    /** Reads usage from the bytes of an answer as they pass. */
    private interface UsageTap {
        void accept(byte[] bytes, int length);

        void end();
    }

    /** A whole answer: read once it has passed, if it is JSON of a size worth reading. */
    private final class WholeTap implements UsageTap {
        private final ReportedUsage usage;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        WholeTap(ReportedUsage usage) {
            this.usage = usage;
        }

        @Override
        public void accept(byte[] bytes, int length) {
            if (kept.size() + length <= MAX_READ_FOR_USAGE) {
                kept.write(bytes, 0, length);
            }
        }

        @Override
        public void end() {
            JsonNode answer = jsonOrNull(kept.toByteArray());
            if (answer != null) {
                usage.answer(answer);
            }
        }
    }

    /** A stream of server-sent events: each {@code data:} line read as it passes ({@link EventLines}). */
    private final class EventsTap implements UsageTap {
        private final EventLines lines;

        EventsTap(ReportedUsage usage) {
            this.lines = new EventLines(json, usage::answer);
        }

        @Override
        public void accept(byte[] bytes, int length) {
            lines.accept(bytes, 0, length);
        }

        @Override
        public void end() {
            lines.end();
        }
    }
}
