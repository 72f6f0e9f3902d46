package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, validated {@code config.yaml} in LiteLLM's format.
 *
 * @param modelList       {@code model_list}
 * @param general         {@code general_settings}
 * @param router          {@code router_settings}: routing, retries, cooldowns and fallbacks
 * @param cache           {@code litellm_settings.cache} and {@code cache_params}
 * @param sharedRedis     the Redis the replicas share limits through, if configured
 * @param requestTimeout  the default timeout of a model call ({@code router_settings.timeout},
 *                        else {@code litellm_settings.request_timeout}, else 600 s)
 * @param observability   traces, metrics and logs
 * @param modelEntries    reads a model added at run time as a {@code model_list} entry, with this
 *                        config's defaults and environment
 * @param upstreamTls     how calls to every upstream check TLS ({@code litellm_settings.ssl_verify},
 *                        {@code SSL_CERT_FILE}, {@code REQUESTS_CA_BUNDLE}); deployments may say otherwise
 * @param modelCostMapUrl where a newer model cost map is read from at start
 *                        ({@code LITELLM_MODEL_COST_MAP_URL}, unless {@code LITELLM_LOCAL_MODEL_COST_MAP})
 * @param budgetExceededStatus the HTTP status of a budget refusal
 *                        ({@code litellm_settings.budget_exceeded_status_code}, LiteLLM's 422 unless set)
 * @param passThrough     the routes forwarded untranslated: LiteLLM's vendor routes and
 *                        {@code general_settings.pass_through_endpoints}
 * @param pluginSettings  {@code plugin_settings}: each plugin's own settings, by plugin id
 * @param guardrails      {@code guardrails}: LiteLLM's guardrails, each served by a guardrail plugin
 * @param notices         things the operator should know: unknown keys, keys of features not
 *                        built yet, unset environment variables; logged once at start-up
 */
public record GatewayConfig(List<DeploymentConfig> modelList, GeneralSettings general, RouterSettings router, CacheSettings cache,
                            Optional<RedisTarget> sharedRedis,
                            Duration requestTimeout, ObservabilitySettings observability,
                            ModelEntryReader modelEntries, UpstreamTls upstreamTls,
                            Optional<String> modelCostMapUrl, int budgetExceededStatus,
                            List<PassThroughEndpoint> passThrough, Map<String, ObjectNode> pluginSettings,
                            List<GuardrailConfig> guardrails, List<String> notices) {

    /** Copies the lists. */
    public GatewayConfig {
        modelList = List.copyOf(modelList);
        guardrails = List.copyOf(guardrails);
        Objects.requireNonNull(general, "general");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(sharedRedis, "sharedRedis");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(modelEntries, "modelEntries");
        Objects.requireNonNull(upstreamTls, "upstreamTls");
        Objects.requireNonNull(modelCostMapUrl, "modelCostMapUrl");
        passThrough = List.copyOf(passThrough);
        pluginSettings = Map.copyOf(pluginSettings);
        notices = List.copyOf(notices);
    }
}
