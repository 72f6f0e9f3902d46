package dev.sluice.plugins.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.Guardrail;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code litellm_content_filter} guardrail: blocked words and regular expressions, each
 * blocking the call or masking what it matched, and a prebuilt set of prompt-injection phrases.
 *
 * <pre>{@code
 * guardrails:
 *   - guardrail_name: house-rules
 *     litellm_params:
 *       guardrail: litellm_content_filter
 *       mode: [pre_call, post_call]
 *       blocked_words:
 *         - {keyword: "project falcon", action: BLOCK, description: "code name"}
 *         - "internal only"                       # BLOCK
 *       patterns:
 *         - {pattern_type: regex, name: ticket, pattern: "TICKET-[0-9]{4,}", action: MASK}
 *         - {pattern_type: prebuilt, pattern_name: prompt_injection, action: BLOCK}
 * }</pre>
 */
@Extension
public final class ContentFilter implements Guardrail {

    /** Phrasings of the common "ignore your instructions" attacks, matched without regard to case or spacing. */
    static final List<String> PROMPT_INJECTION = List.of(
            "ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts|rules)",
            "disregard (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts|rules)",
            "forget (?:all |any )?(?:your|the) (?:previous |prior )?(?:instructions|rules)",
            "you are now (?:dan|in developer mode|jailbroken)",
            "(?:reveal|print|show|repeat) (?:your|the) (?:system prompt|hidden instructions|initial instructions)",
            "act as if you have no (?:restrictions|rules|guidelines)");

    @Override
    public String type() {
        return "litellm_content_filter";
    }

    @Override
    public GuardrailCheck open(GuardrailSetup setup) {
        ConfigSection settings = setup.settings();
        List<FilterRule> rules = new ArrayList<>();
        JsonNode words = settings.get("blocked_words");
        for (JsonNode word : words.isArray() ? words : List.<JsonNode>of()) {
            String keyword = word.isTextual() ? word.asText() : word.path("keyword").asText("");
            if (keyword.isBlank()) {
                throw settings.invalid("blocked_words", "each entry needs a keyword");
            }
            rules.add(new FilterRule("KEYWORD", Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(keyword)
                    .replace(" ", "\\E\\s+\\Q") + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                    action(settings, word.path("action").asText("BLOCK"), "blocked_words")));
        }
        JsonNode patterns = settings.get("patterns");
        for (JsonNode pattern : patterns.isArray() ? patterns : List.<JsonNode>of()) {
            FilterRule.Action action = action(settings, pattern.path("action").asText("BLOCK"), "patterns");
            if (pattern.path("pattern_type").asText("regex").equals("prebuilt")) {
                String name = pattern.path("pattern_name").asText();
                if (!name.equals("prompt_injection")) {
                    throw settings.invalid("patterns", "unknown prebuilt pattern '" + name + "'; known: prompt_injection");
                }
                for (String phrase : PROMPT_INJECTION) {
                    rules.add(new FilterRule("PROMPT_INJECTION", Pattern.compile(phrase.replace(" ", "\\s+"),
                            Pattern.CASE_INSENSITIVE), action));
                }
                continue;
            }
            String name = pattern.path("name").asText("PATTERN").toUpperCase(Locale.ROOT);
            try {
                rules.add(new FilterRule(name, Pattern.compile(pattern.path("pattern").asText()), action));
            } catch (PatternSyntaxException e) {
                throw settings.invalid("patterns", "'" + name + "' is not a regular expression: " + e.getDescription());
            }
        }
        if (rules.isEmpty()) {
            throw settings.invalid("blocked_words", "give blocked_words or patterns: the filter has nothing to look for");
        }
        return new FilterCheck(rules);
    }

    private static FilterRule.Action action(ConfigSection settings, String action, String setting) {
        try {
            return FilterRule.Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw settings.invalid(setting, "action must be BLOCK or MASK, not '" + action + "'");
        }
    }
}
