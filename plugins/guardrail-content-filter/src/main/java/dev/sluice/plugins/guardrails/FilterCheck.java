package dev.sluice.plugins.guardrails;

import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/** One content filter's check: the first blocking rule that matches refuses; masking rules rewrite. */
final class FilterCheck implements GuardrailCheck {

    private final List<FilterRule> rules;

    FilterCheck(List<FilterRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public GuardrailVerdict check(GuardrailInput input) {
        List<String> checked = new ArrayList<>(input.texts().size());
        boolean changed = false;
        for (String text : input.texts()) {
            String result = text;
            for (FilterRule rule : rules) {
                Matcher found = rule.pattern().matcher(result);
                if (!found.find()) {
                    continue;
                }
                if (rule.action() == FilterRule.Action.BLOCK) {
                    // names the rule, not what matched: the caller learns which rule, not a way around it
                    return GuardrailVerdict.block("content matched the filter's " + rule.name() + " rule");
                }
                result = found.replaceAll("[" + rule.name() + "_REDACTED]");
            }
            changed |= !result.equals(text);
            checked.add(result);
        }
        return changed ? GuardrailVerdict.replace(checked) : GuardrailVerdict.pass();
    }

    /** Keywords and the shipped patterns hold no line end; a site's own pattern that spans one is checked per piece too. */
    @Override
    public boolean checksStreamsInPieces() {
        return true;
    }
}
