package dev.sluice.plugins.guardrails;

import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code pii_masking} guardrail's check. Per call, its placeholders are kept in the call's memo. */
final class PiiCheck implements GuardrailCheck {

    /** What is done with an entity found in a request. */
    enum Action {
        /** Replaced by a placeholder. */
        MASK,
        /** The call is refused. */
        BLOCK
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z_]+)_([0-9]+)>");
    private static final String ORIGINALS = "originals";

    private final Map<PiiEntity, Action> actions;
    private final boolean unmaskAnswers;

    PiiCheck(Map<PiiEntity, Action> actions, boolean unmaskAnswers) {
        this.actions = Map.copyOf(actions);
        this.unmaskAnswers = unmaskAnswers;
    }

    @Override
    public GuardrailVerdict check(GuardrailInput input) {
        try {
            return inspect(input);
        } catch (Blocked blocked) {
            return GuardrailVerdict.block("the " + (input.isRequest() ? "request" : "answer") + " holds "
                    + blocked.getMessage() + ", which this guardrail does not let through");
        }
    }

    private GuardrailVerdict inspect(GuardrailInput input) {
        @SuppressWarnings("unchecked")
        Map<String, String> originals = (Map<String, String>) input.memo().computeIfAbsent(ORIGINALS,
                key -> new HashMap<String, String>());
        List<String> checked = new ArrayList<>(input.texts().size());
        boolean changed = false;
        for (String text : input.texts()) {
            String result = !input.isRequest() && unmaskAnswers ? unmask(text, originals) : mask(text, originals);
            changed |= !result.equals(text);
            checked.add(result);
        }
        return changed ? GuardrailVerdict.replace(checked) : GuardrailVerdict.pass();
    }

    /** Pieces of streamed answers are checked as they come: no entity or placeholder holds a space it could be cut at. */
    @Override
    public boolean checksStreamsInPieces() {
        return true;
    }

    private String mask(String text, Map<String, String> originals) {
        String masked = text;
        for (PiiEntity entity : PiiEntity.values()) {
            Action action = actions.get(entity);
            if (action == null) {
                continue;
            }
            Matcher found = entity.matcher(masked);
            StringBuilder out = new StringBuilder();
            int last = 0;
            while (found.find()) {
                String match = found.group();
                if (!entity.accepts(match) || PLACEHOLDER.matcher(match).matches()) {
                    continue;
                }
                if (action == Action.BLOCK) {
                    // the reason names the kind, never the value: the value is what must not leak
                    throw new Blocked(entity);
                }
                out.append(masked, last, found.start()).append(placeholder(entity, match, originals));
                last = found.end();
            }
            masked = out.append(masked, last, masked.length()).toString();
        }
        return masked;
    }

    private static String placeholder(PiiEntity entity, String original, Map<String, String> originals) {
        for (Map.Entry<String, String> known : originals.entrySet()) {
            if (known.getValue().equals(original)) {
                return known.getKey();
            }
        }
        long same = originals.keySet().stream().filter(key -> key.startsWith("<" + entity.name() + "_")).count();
        String placeholder = "<" + entity.name() + "_" + (same + 1) + ">";
        originals.put(placeholder, original);
        return placeholder;
    }

    private static String unmask(String text, Map<String, String> originals) {
        if (originals.isEmpty()) {
            return text;
        }
        Matcher found = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (found.find()) {
            found.appendReplacement(out, Matcher.quoteReplacement(originals.getOrDefault(found.group(), found.group())));
        }
        return found.appendTail(out).toString();
    }

    /** A refusal: thrown through {@link #check} as a verdict. */
    private static final class Blocked extends RuntimeException {
        Blocked(PiiEntity entity) {
            super(entity.name(), null, false, false);
        }
    }
}
