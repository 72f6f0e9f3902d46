package dev.sluice.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link GuardrailCheck} decided, in the actions of LiteLLM's generic guardrail API.
 *
 * @param action  {@link Action#NONE}, {@link Action#BLOCKED} or {@link Action#GUARDRAIL_INTERVENED}
 * @param reason  why it blocked, shown to the caller (keep what was found out of it: it may be the secret)
 * @param texts   for an intervention, the texts that replace the input's, one for one
 * @since 1.4.0
 */
public record GuardrailVerdict(Action action, Optional<String> reason, List<String> texts) {

    /** What the gateway does with the call. */
    public enum Action {
        /** Let it pass unchanged. */
        NONE,
        /** Refuse it with a 400 that gives the reason. */
        BLOCKED,
        /** Let it pass with the verdict's texts in place of the input's. */
        GUARDRAIL_INTERVENED
    }

    /** Checks the arguments. */
    public GuardrailVerdict {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        texts = List.copyOf(texts);
    }

    /** @return a verdict letting the texts pass */
    public static GuardrailVerdict pass() {
        return new GuardrailVerdict(Action.NONE, Optional.empty(), List.of());
    }

    /** @return a verdict refusing the call for the reason given */
    public static GuardrailVerdict block(String reason) {
        return new GuardrailVerdict(Action.BLOCKED, Optional.of(reason), List.of());
    }

    /** @return a verdict replacing the texts, one for one */
    public static GuardrailVerdict replace(List<String> texts) {
        return new GuardrailVerdict(Action.GUARDRAIL_INTERVENED, Optional.empty(), texts);
    }
}
