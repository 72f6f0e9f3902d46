package dev.sluice.plugins.openai;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The provider prefixes served with OpenAI's wire format, with the base URL and key variable
 * LiteLLM uses for each when the deployment names none.
 */
enum OpenAiCompatibleVendor {
    OPENAI("openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
    TEXT_COMPLETION_OPENAI("text-completion-openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
    GROQ("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
    MISTRAL("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
    DEEPSEEK("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
    TOGETHER_AI("together_ai", "https://api.together.xyz/v1", "TOGETHERAI_API_KEY"),
    OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    FIREWORKS_AI("fireworks_ai", "https://api.fireworks.ai/inference/v1", "FIREWORKS_AI_API_KEY"),
    XAI("xai", "https://api.x.ai/v1", "XAI_API_KEY"),
    LM_STUDIO("lm_studio", "http://localhost:1234/v1", "LM_STUDIO_API_KEY"),
    HOSTED_VLLM("hosted_vllm", null, "HOSTED_VLLM_API_KEY"),
    OPENAI_LIKE("openai_like", null, null),
    CUSTOM_OPENAI("custom_openai", null, null),
    LITELLM_PROXY("litellm_proxy", null, "LITELLM_PROXY_API_KEY");

    private static final Map<String, OpenAiCompatibleVendor> BY_PREFIX = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(vendor -> vendor.prefix, Function.identity()));

    final String prefix;
    private final String defaultBase;
    private final String keyVariable;

    OpenAiCompatibleVendor(String prefix, String defaultBase, String keyVariable) {
        this.prefix = prefix;
        this.defaultBase = defaultBase;
        this.keyVariable = keyVariable;
    }

    static OpenAiCompatibleVendor of(String prefix) {
        OpenAiCompatibleVendor vendor = BY_PREFIX.get(prefix);
        if (vendor == null) {
            throw new IllegalArgumentException("not an OpenAI-compatible provider: " + prefix);
        }
        return vendor;
    }

    static java.util.Set<String> prefixes() {
        return BY_PREFIX.keySet();
    }

    /** @return the vendor's public API base, or empty where the deployment must give {@code api_base} */
    Optional<String> defaultBase() {
        return Optional.ofNullable(defaultBase);
    }

    /** @return the environment variable LiteLLM reads the key from when the config gives none */
    Optional<String> keyVariable() {
        return Optional.ofNullable(keyVariable);
    }
}
