package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.config.RouterSettings.GroupAlias;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@link RouterSettings}. LiteLLM takes most of them from {@code router_settings} or
 * {@code litellm_settings}; a value under {@code router_settings} wins.
 */
final class RouterSettingsReader {

    private final ConfigNode router;
    private final ConfigNode litellm;

    RouterSettingsReader(ConfigNode router, ConfigNode litellm) {
        this.router = router;
        this.litellm = litellm;
    }

    RouterSettings read() {
        String strategy = router.get("routing_strategy").text().orElse("simple-shuffle");
        ObjectNode strategyArgs = router.get("routing_strategy_args").object();
        int retries = setting("num_retries").wholeNumber().map(Long::intValue).orElse(RouterSettings.DEFAULT_NUM_RETRIES);
        Duration retryAfter = setting("retry_after").nonNegative()
                .map(s -> Duration.ofMillis(Math.round(s * 1000))).orElse(Duration.ZERO);
        Map<String, Map<FailureClass, Integer>> groupPolicies = new LinkedHashMap<>();
        ConfigNode groupPolicyNode = setting("model_group_retry_policy");
        groupPolicyNode.object().fieldNames().forEachRemaining(group ->
                groupPolicies.put(group, perClass(groupPolicyNode.get(group), "Retries")));
        return new RouterSettings(strategy, strategyArgs, retries, retryAfter,
                perClass(setting("retry_policy"), "Retries"), groupPolicies,
                setting("allowed_fails").wholeNumber().map(Long::intValue).orElse(RouterSettings.DEFAULT_ALLOWED_FAILS),
                perClass(setting("allowed_fails_policy"), "AllowedFails"),
                setting("cooldown_time").nonNegative().map(s -> Duration.ofMillis(Math.round(s * 1000)))
                        .orElse(RouterSettings.DEFAULT_COOLDOWN),
                setting("disable_cooldowns").bool().orElse(false),
                fallbackMap(setting("fallbacks")), fallbackMap(setting("context_window_fallbacks")),
                fallbackMap(setting("content_policy_fallbacks")), names(setting("default_fallbacks")),
                setting("max_fallbacks").wholeNumber().map(Long::intValue).orElse(RouterSettings.DEFAULT_MAX_FALLBACKS),
                aliases(setting("model_group_alias")), setting("enable_pre_call_checks").bool().orElse(false),
                router.get("stream_timeout").seconds());
    }

    private ConfigNode setting(String key) {
        ConfigNode fromRouter = router.get(key);
        return fromRouter.isAbsent() ? litellm.get(key) : fromRouter;
    }

    /** {@code {RateLimitErrorRetries: 3, ...}}: counts by failure class. */
    private static Map<FailureClass, Integer> perClass(ConfigNode node, String suffix) {
        Map<FailureClass, Integer> counts = new EnumMap<>(FailureClass.class);
        node.object().fieldNames().forEachRemaining(key -> {
            Optional<FailureClass> failure = java.util.Arrays.stream(FailureClass.values())
                    .filter(candidate -> (candidate.settingName() + suffix).equals(key)).findFirst();
            if (failure.isEmpty()) {
                List<String> known = java.util.Arrays.stream(FailureClass.values())
                        .map(candidate -> candidate.settingName() + suffix).toList();
                throw node.get(key).invalid("unknown failure class; expected one of " + known);
            }
            node.get(key).wholeNumber().ifPresent(count -> counts.put(failure.get(), count.intValue()));
        });
        return counts;
    }

    /** {@code [{group: [fallback, ...]}, ...]}, LiteLLM's list of one-key maps. */
    private static Map<String, List<String>> fallbackMap(ConfigNode node) {
        Map<String, List<String>> chains = new LinkedHashMap<>();
        for (ConfigNode entry : node.list()) {
            ObjectNode map = entry.object();
            if (map.isEmpty()) {
                throw entry.invalid("expected {model_group: [fallback, ...]}");
            }
            map.fieldNames().forEachRemaining(group -> chains.put(group, names(entry.get(group))));
        }
        return chains;
    }

    private static List<String> names(ConfigNode node) {
        if (!node.isAbsent() && node.node().isTextual()) {
            return List.of(node.node().asText());
        }
        List<String> names = new ArrayList<>();
        for (ConfigNode name : node.list()) {
            names.add(name.requiredText("a model group name"));
        }
        return names;
    }

    /** {@code {alias: group}} or {@code {alias: {model: group, hidden: true}}}. */
    private static Map<String, GroupAlias> aliases(ConfigNode node) {
        Map<String, GroupAlias> aliases = new LinkedHashMap<>();
        node.object().fieldNames().forEachRemaining(alias -> {
            ConfigNode target = node.get(alias);
            if (target.node().isObject()) {
                aliases.put(alias, new GroupAlias(target.get("model").requiredText("the model group this alias names"),
                        target.get("hidden").bool().orElse(false)));
            } else {
                aliases.put(alias, new GroupAlias(target.requiredText("the model group this alias names"), false));
            }
        });
        return aliases;
    }
}
