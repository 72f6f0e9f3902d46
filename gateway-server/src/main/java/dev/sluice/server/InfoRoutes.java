package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.Gateway;
import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.models.SecretNames;
import dev.sluice.core.routing.DeploymentLoad;
import dev.sluice.core.routing.ServedDeployment;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /models} (what the caller may use) and {@code /model/info} (deployments, secrets stripped). */
final class InfoRoutes {

    private final Gateway gateway;
    private final ErrorResponses errors;
    private final JsonResponses responses;
    private final long created = Instant.now().getEpochSecond();

    private final AdminCallers callers;

    InfoRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors, AdminCallers callers) {
        this.callers = callers;
        this.gateway = gateway;
        this.responses = responses;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        for (String prefix : List.of("", "/v1")) {
            rules.get(prefix + "/models", this::models);
            rules.get(prefix + "/models/{model}", this::model);
            rules.get(prefix + "/model/info", this::modelInfo);
        }
    }

    private Principal caller(ServerRequest req) {
        return callers.authenticate(req);
    }

    private void models(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = caller(req);
            ObjectNode body = gateway.json().createObjectNode();
            ArrayNode data = body.putArray("data");
            for (String group : gateway.catalog().groupNames()) {
                if (caller.mayUse(group)) {
                    data.add(card(group));
                }
            }
            body.put("object", "list");
            responses.send(res, body);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private void model(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = caller(req);
            String name = req.path().pathParameters().get("model");
            if (gateway.catalog().resolve(name).isEmpty() || !caller.mayUse(name)) {
                throw new GatewayException(ErrorKind.NOT_FOUND, 404, "The model '" + name
                        + "' does not exist or your key may not use it. Call /v1/models to list yours.", "model",
                        "model_not_found", null, null);
            }
            responses.send(res, card(name));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private ObjectNode card(String group) {
        return gateway.json().createObjectNode().put("id", group).put("object", "model").put("created", created)
                .put("owned_by", "openai");
    }

    private void modelInfo(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = caller(req);
            Optional<String> onlyId = AdminEndpoints.param(req, "litellm_model_id");
            ObjectNode body = gateway.json().createObjectNode();
            ArrayNode data = body.putArray("data");
            for (ServedDeployment served : gateway.catalog().deployments()) {
                Deployment deployment = served.config().deployment();
                if (caller.mayUse(deployment.modelGroup())
                        && onlyId.map(id -> id.equals(deployment.id())).orElse(true)) {
                    data.add(describe(served));
                }
            }
            responses.send(res, body);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private ObjectNode describe(ServedDeployment served) {
        DeploymentConfig config = served.config();
        Deployment deployment = config.deployment();
        ObjectNode entry = gateway.json().createObjectNode().put("model_name", deployment.modelGroup());
        ObjectNode params = entry.putObject("litellm_params");
        params.put("model", deployment.qualifiedModel());
        deployment.apiBase().ifPresent(base -> params.put("api_base", base));
        deployment.apiVersion().ifPresent(version -> params.put("api_version", version));
        params.put("timeout", deployment.timeout().toMillis() / 1000.0);
        params.put("stream_timeout", deployment.streamTimeout().toMillis() / 1000.0);
        if (config.rpm() > 0) {
            params.put("rpm", config.rpm());
        }
        if (config.tpm() > 0) {
            params.put("tpm", config.tpm());
        }
        params.put("weight", config.weight());
        config.maxRetries().ifPresent(retries -> params.put("max_retries", retries));
        for (Map.Entry<String, JsonNode> param : deployment.extraParams().properties()) {
            if (!SecretNames.looksSecret(param.getKey())) {
                params.set(param.getKey(), param.getValue());
            }
        }
        ObjectNode info = entry.putObject("model_info");
        // LiteLLM's model_info: the cost map's entry for the model, what the deployment sets winning
        gateway.catalog().facts().knownInfo(deployment, gateway.json()).ifPresent(info::setAll);
        info.setAll(deployment.modelInfo());
        info.put("db_model", gateway.storedModels().isStored(deployment.id()));
        long now = System.currentTimeMillis();
        DeploymentLoad load = served.load();
        info.put("sluice_state", load.cooling(now) ? "cooling_down" : load.failedThisMinute(now) ? "failing" : "healthy");
        if (load.cooling(now)) {
            info.put("sluice_cooldown_until", java.time.Instant.ofEpochMilli(load.coolUntilMillis()).toString());
        }
        info.put("provider_plugin_loaded", served.adapter().isPresent());
        return entry;
    }
}
