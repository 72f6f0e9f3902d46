package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of LiteLLM's {@code guardrails:} list (top level, or under {@code litellm_settings}).
 *
 * @param name      {@code guardrail_name}, what keys and requests name it by
 * @param type      {@code litellm_params.guardrail}: the guardrail plugin's type
 * @param modes     {@code litellm_params.mode}: one or more of pre_call, during_call, post_call
 * @param defaultOn {@code litellm_params.default_on}: on for every call, not only those that name it
 * @param settings  {@code litellm_params}, environment references resolved, for the plugin
 * @param info      {@code guardrail_info}, shown by {@code /guardrails/list}
 */
public record GuardrailConfig(String name, String type, Set<Mode> modes, boolean defaultOn, ObjectNode settings,
                              ObjectNode info) {

    /** When a guardrail runs. */
    public enum Mode {
        /** On the request, before the upstream call; may rewrite it. */
        PRE_CALL,
        /** On the request, beside the upstream call; a refusal cancels it. */
        DURING_CALL,
        /** On the answer. */
        POST_CALL
    }

    /** Copies the modes. */
    public GuardrailConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        modes = Set.copyOf(modes);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(info, "info");
    }

    static List<GuardrailConfig> read(ConfigNode root) {
        List<ConfigNode> entries = new ArrayList<>(root.get("guardrails").list());
        entries.addAll(root.get("litellm_settings").get("guardrails").list());
        List<GuardrailConfig> guardrails = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode entry : entries) {
            String name = entry.get("guardrail_name").requiredText("a guardrail name");
            if (!names.add(name)) {
                throw entry.get("guardrail_name").invalid("guardrail '" + name + "' is defined twice");
            }
            ConfigNode params = entry.get("litellm_params");
            String type = params.get("guardrail").requiredText("the guardrail's type, e.g. pii_masking");
            Set<Mode> modes = EnumSet.noneOf(Mode.class);
            ConfigNode mode = params.get("mode");
            List<ConfigNode> listed = mode.node().isArray() ? mode.list() : List.of(mode);
            for (ConfigNode one : listed) {
                String value = one.requiredText("pre_call, during_call or post_call");
                try {
                    modes.add(Mode.valueOf(value.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw one.invalid("expected pre_call, during_call or post_call, got '" + value + "'");
                }
            }
            guardrails.add(new GuardrailConfig(name, type, modes, params.get("default_on").bool().orElse(false),
                    params.object(), entry.get("guardrail_info").object()));
        }
        return List.copyOf(guardrails);
    }
}
