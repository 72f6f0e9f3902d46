package dev.sluice.plugins.guardrails;

import java.util.regex.Pattern;

/**
 * One thing the content filter looks for.
 *
 * @param name    what it is, in a refusal or in the mask ({@code [NAME_REDACTED]})
 * @param pattern how it is found
 * @param action  whether a match refuses the call or is masked
 */
record FilterRule(String name, Pattern pattern, Action action) {

    /** What a match does. */
    enum Action {
        /** Refuses the call. */
        BLOCK,
        /** Is replaced by {@code [NAME_REDACTED]}. */
        MASK
    }
}
