package dev.sluice.api;

/**
 * One configured guardrail's check. Called from the calls' threads, concurrently: keep per-call
 * state in {@link GuardrailInput#memo()}, not in fields.
 *
 * @since 1.4.0
 */
public interface GuardrailCheck {

    /**
     * @param input the texts of the request or of the answer, and who is calling
     * @return pass, refuse, or the texts to put in place of the ones given (same number, same order)
     */
    GuardrailVerdict check(GuardrailInput input);

    /**
     * Whether a streamed answer may be checked piece by piece as it passes (each piece ending at a
     * line or sentence end, so no word is cut) instead of whole once it has ended. A check that
     * looks at words or patterns without spaces (keywords, PII, placeholders) can; one that judges
     * the answer as a whole cannot, and the gateway then holds the stream back until it has ended.
     */
    default boolean checksStreamsInPieces() {
        return false;
    }
}
