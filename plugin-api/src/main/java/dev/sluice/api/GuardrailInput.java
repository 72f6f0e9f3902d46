package dev.sluice.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link GuardrailCheck} is asked about.
 *
 * @param inputType {@link #REQUEST} or {@link #RESPONSE}
 * @param texts     the texts, in the order a verdict's texts replace them
 * @param callId    the call's id
 * @param caller    who is calling, once authenticated
 * @param memo      this guardrail's notes on this call, kept from the request's check to the answer's (e.g.
 *                  what a masking check replaced, to put it back in the answer)
 * @since 1.4.0
 */
public record GuardrailInput(String inputType, List<String> texts, String callId, Optional<Principal> caller,
                             Map<String, Object> memo) {

    /** The texts are the caller's request. */
    public static final String REQUEST = "request";
    /** The texts are the model's answer. */
    public static final String RESPONSE = "response";

    /** Checks the arguments; the texts are copied, the memo is shared on purpose. */
    public GuardrailInput {
        Objects.requireNonNull(inputType, "inputType");
        texts = List.copyOf(texts);
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(memo, "memo");
    }

    /** @return whether the texts are the request's */
    public boolean isRequest() {
        return inputType.equals(REQUEST);
    }
}
