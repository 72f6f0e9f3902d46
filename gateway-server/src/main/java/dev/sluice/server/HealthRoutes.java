package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.PluginApi;
import dev.sluice.core.Gateway;
import dev.sluice.core.health.EndpointHealth;
import dev.sluice.core.routing.ServedDeployment;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * LiteLLM's health endpoints: liveness and readiness probes (public, no upstream calls) and
 * {@code /health}, which calls every deployment.
 */
final class HealthRoutes {

    static final String LIVELINESS = "/health/liveliness";
    static final String LIVENESS = "/health/liveness";
    static final String READINESS = "/health/readiness";
    /** The probes an orchestrator calls: public, and exempt from {@code allowed_ips}. */
    static final java.util.Set<String> PROBES = java.util.Set.of(LIVELINESS, LIVENESS, READINESS);

    private final Gateway gateway;
    private final JsonResponses responses;
    private final ErrorResponses errors;
    private final java.util.function.BooleanSupplier shuttingDown;

    /** @param shuttingDown whether the server is shutting down, when readiness answers 503 */
    HealthRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors,
                 java.util.function.BooleanSupplier shuttingDown) {
        this.shuttingDown = shuttingDown;
        this.gateway = gateway;
        this.responses = responses;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        rules.get(LIVELINESS, this::alive);
        rules.get(LIVENESS, this::alive);
        rules.get(READINESS, this::readiness);
        rules.get("/health", this::health);
    }

    private void alive(ServerRequest req, ServerResponse res) {
        responses.send(res, new TextNode("I'm alive!"));
    }

    private void readiness(ServerRequest req, ServerResponse res) {
        ObjectNode body = responses.mapper().createObjectNode();
        // A database outage degrades the gateway but does not stop it (keys in use are served from
        // memory, spend waits in the journal), so the replica stays in service: 200, and says so.
        boolean databaseUp = gateway.database().isReachable();
        boolean leaving = shuttingDown.getAsBoolean();
        body.put("status", leaving ? "shutting down" : databaseUp ? "healthy" : "degraded");
        body.put("db", databaseUp ? "connected" : "Not connected");
        body.put("spend_journal_backlog_bytes", gateway.spend().backlogBytes());
        body.put("db_type", gateway.database().dialect().name().toLowerCase(java.util.Locale.ROOT));
        // As LiteLLM: the cache type, or null; and whether a shared (Redis) cache answers.
        if (gateway.config().cache().enabled()) {
            body.put("cache", gateway.config().cache().type());
            gateway.sharedCacheHealthy().ifPresent(up -> body.put("cache_status", up ? "connected"
                    : "unreachable: answering from the in-process cache until it is back"));
        } else {
            body.putNull("cache");
        }
        gateway.sharedStateHealthy().ifPresent(up -> body.put("redis", up ? "connected"
                : "unreachable: limits counted in this process until it is back"));
        body.put("litellm_version", Version.SLUICE);
        body.put("sluice_version", Version.SLUICE);
        body.put("plugin_api_version", PluginApi.version());
        body.putArray("success_callbacks");
        PluginRoutes.list(gateway, body.putArray("plugins"));
        ArrayNode unserved = body.putArray("deployments_without_plugin");
        for (ServedDeployment served : gateway.catalog().unserved()) {
            unserved.addObject().put("model_name", served.config().deployment().modelGroup())
                    .put("model", served.config().deployment().qualifiedModel())
                    .put("model_id", served.config().deployment().id())
                    .put("error", served.missingPluginMessage());
        }
        // shutting down: load balancers must stop sending while calls in flight finish
        responses.send(res, leaving ? 503 : 200, body);
    }

    private void health(ServerRequest req, ServerResponse res) {
        try {
            if (!gateway.config().general().disableAuthOnHealthEndpoint()) {
                gateway.authenticator().authenticate(new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
            }
            List<EndpointHealth> results = gateway.checkDeployments();
            ObjectNode body = responses.mapper().createObjectNode();
            ArrayNode healthy = body.putArray("healthy_endpoints");
            ArrayNode unhealthy = body.putArray("unhealthy_endpoints");
            for (EndpointHealth result : results) {
                ObjectNode entry = (result.healthy() ? healthy : unhealthy).addObject();
                entry.put("model", result.model()).put("model_name", result.modelName()).put("model_id", result.modelId());
                result.apiBase().ifPresent(base -> entry.put("api_base", base));
                result.error().ifPresent(error -> entry.put("error", error));
            }
            body.put("healthy_count", healthy.size());
            body.put("unhealthy_count", unhealthy.size());
            responses.send(res, body);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }
}
