package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How calls are routed and what happens when a deployment fails: LiteLLM's
 * {@code router_settings} (each also accepted under {@code litellm_settings}, where LiteLLM
 * accepts it too; {@code router_settings} wins).
 *
 * @param routingStrategy        {@code routing_strategy}
 * @param routingStrategyArgs    {@code routing_strategy_args}, handed to the policy plugin
 * @param numRetries             {@code num_retries}: retries within a model group (LiteLLM's default 2)
 * @param retryAfter             {@code retry_after}: the least wait before a retry
 * @param retryPolicy            {@code retry_policy}: retries per failure class, overriding {@code num_retries}
 * @param groupRetryPolicies     {@code model_group_retry_policy}: the same, per model group
 * @param allowedFails           {@code allowed_fails}: failures a deployment may have in a minute before it cools down
 * @param allowedFailsPolicy     {@code allowed_fails_policy}: the same, per failure class
 * @param cooldownTime           {@code cooldown_time}: how long a failing deployment is left out
 * @param disableCooldowns       {@code disable_cooldowns}
 * @param fallbacks              {@code fallbacks}: model group to the groups tried when it fails
 * @param contextWindowFallbacks {@code context_window_fallbacks}: the same, for a prompt too long
 * @param contentPolicyFallbacks {@code content_policy_fallbacks}: the same, for refused content
 * @param defaultFallbacks       {@code default_fallbacks}: for groups with no {@code fallbacks} entry
 * @param maxFallbacks           {@code max_fallbacks}: the most fallback groups one call tries
 * @param modelGroupAliases      {@code model_group_alias}: a name callers may use for a group
 * @param enablePreCallChecks    {@code enable_pre_call_checks}: skip deployments whose context window the prompt exceeds
 * @param streamTimeout          {@code stream_timeout}: the default longest silence in a stream
 */
public record RouterSettings(String routingStrategy, ObjectNode routingStrategyArgs, int numRetries,
                             Duration retryAfter, Map<FailureClass, Integer> retryPolicy,
                             Map<String, Map<FailureClass, Integer>> groupRetryPolicies, int allowedFails,
                             Map<FailureClass, Integer> allowedFailsPolicy, Duration cooldownTime,
                             boolean disableCooldowns, Map<String, List<String>> fallbacks,
                             Map<String, List<String>> contextWindowFallbacks,
                             Map<String, List<String>> contentPolicyFallbacks, List<String> defaultFallbacks,
                             int maxFallbacks, Map<String, GroupAlias> modelGroupAliases, boolean enablePreCallChecks,
                             Optional<Duration> streamTimeout) {

    /** LiteLLM's default {@code num_retries}. */
    public static final int DEFAULT_NUM_RETRIES = 2;
    /** LiteLLM's default {@code allowed_fails}. */
    public static final int DEFAULT_ALLOWED_FAILS = 3;
    /** LiteLLM's default {@code cooldown_time}. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(5);
    /** LiteLLM's default {@code max_fallbacks}. */
    public static final int DEFAULT_MAX_FALLBACKS = 5;

    /** Copies the collections. */
    public RouterSettings {
        Objects.requireNonNull(routingStrategy, "routingStrategy");
        Objects.requireNonNull(routingStrategyArgs, "routingStrategyArgs");
        Objects.requireNonNull(retryAfter, "retryAfter");
        retryPolicy = Map.copyOf(retryPolicy);
        groupRetryPolicies = Map.copyOf(groupRetryPolicies);
        allowedFailsPolicy = Map.copyOf(allowedFailsPolicy);
        Objects.requireNonNull(cooldownTime, "cooldownTime");
        fallbacks = Map.copyOf(fallbacks);
        contextWindowFallbacks = Map.copyOf(contextWindowFallbacks);
        contentPolicyFallbacks = Map.copyOf(contentPolicyFallbacks);
        defaultFallbacks = List.copyOf(defaultFallbacks);
        modelGroupAliases = Map.copyOf(modelGroupAliases);
        Objects.requireNonNull(streamTimeout, "streamTimeout");
    }

    /** @return the settings of a config that sets none */
    public static RouterSettings defaults() {
        return new RouterSettings("simple-shuffle", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode(), DEFAULT_NUM_RETRIES, Duration.ZERO, Map.of(), Map.of(), DEFAULT_ALLOWED_FAILS, Map.of(),
                DEFAULT_COOLDOWN, false, Map.of(), Map.of(), Map.of(), List.of(), DEFAULT_MAX_FALLBACKS, Map.of(),
                false, Optional.empty());
    }

    /**
     * One {@code model_group_alias} entry.
     *
     * @param group  the model group the alias stands for
     * @param hidden whether {@code /v1/models} leaves the alias out
     */
    public record GroupAlias(String group, boolean hidden) {

        /** @throws NullPointerException if group is null */
        public GroupAlias {
            Objects.requireNonNull(group, "group");
        }
    }
}
