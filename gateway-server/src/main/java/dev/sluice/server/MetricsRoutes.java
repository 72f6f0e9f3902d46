package dev.sluice.server;

import dev.sluice.api.GatewayException;
import dev.sluice.core.Gateway;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} (and {@code /metrics/}, the path LiteLLM's Prometheus jobs scrape) in
 * Prometheus' text format. Open, as LiteLLM's is, unless {@code require_auth_for_metrics_endpoint}
 * asks for a valid key.
 */
final class MetricsRoutes {

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final Gateway gateway;
    private final ErrorResponses errors;

    MetricsRoutes(Gateway gateway, ErrorResponses errors) {
        this.gateway = gateway;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        rules.get("/metrics", this::scrape);
        rules.get("/metrics/", this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        try {
            if (gateway.config().observability().requireAuthForMetrics()) {
                gateway.authenticator().authenticate(new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
            }
            res.header(HeaderNames.CONTENT_TYPE, TEXT_FORMAT);
            res.send(gateway.telemetry().metrics().scrape().getBytes(StandardCharsets.UTF_8));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }
}
