package dev.sluice.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.Secret;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Builds {@link Deployment}s for tests, with the gateway's defaults. */
public final class Deployments {

    private Deployments() {
    }

    /**
     * @param qualifiedModel {@code provider/model}, as in {@code litellm_params.model}
     * @param apiBase        the upstream base URL, or {@code null}
     * @param apiKey         the provider key, or {@code null}
     * @return a deployment in model group {@code test-group}
     */
    public static Deployment of(String qualifiedModel, String apiBase, String apiKey) {
        return of(qualifiedModel, apiBase, apiKey, JsonNodeFactory.instance.objectNode());
    }

    /** As {@link #of(String, String, String)}, with extra {@code litellm_params}. */
    public static Deployment of(String qualifiedModel, String apiBase, String apiKey, ObjectNode extraParams) {
        int slash = qualifiedModel.indexOf('/');
        return new Deployment("test-deployment", "test-group", qualifiedModel.substring(0, slash),
                qualifiedModel.substring(slash + 1), Optional.ofNullable(apiBase),
                Optional.ofNullable(apiKey).map(Secret::new), Optional.empty(), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Map.of(), extraParams, JsonNodeFactory.instance.objectNode());
    }

    /** @return the deployment with these {@code extra_headers} */
    public static Deployment withExtraHeaders(Deployment deployment, Map<String, String> extraHeaders) {
        return new Deployment(deployment.id(), deployment.modelGroup(), deployment.provider(),
                deployment.providerModel(), deployment.apiBase(), deployment.apiKey(), deployment.apiVersion(),
                deployment.timeout(), deployment.streamTimeout(), extraHeaders, deployment.extraParams(),
                deployment.modelInfo());
    }

    /** @return the deployment with this {@code timeout} and {@code stream_timeout} */
    public static Deployment withTimeouts(Deployment deployment, Duration timeout, Duration streamTimeout) {
        return new Deployment(deployment.id(), deployment.modelGroup(), deployment.provider(),
                deployment.providerModel(), deployment.apiBase(), deployment.apiKey(), deployment.apiVersion(),
                timeout, streamTimeout, deployment.extraHeaders(), deployment.extraParams(), deployment.modelInfo());
    }
}
