package dev.sluice.api;

import org.pf4j.ExtensionPoint;

/**
 * A kind of guardrail: PII masking, a content filter, a call to the site's own checking service.
 * Configured as LiteLLM configures guardrails:
 *
 * <pre>{@code
 * guardrails:
 *   - guardrail_name: mask-pii
 *     litellm_params:
 *       guardrail: pii_masking      # this plugin's type()
 *       mode: [pre_call, post_call] # pre_call, during_call, post_call
 *       default_on: true            # else only for keys and requests that name it
 *       output_parse_pii: true      # the plugin's own settings
 * }</pre>
 *
 * <p>What every guardrail needs, the gateway does once, in one pipeline stage: it pulls the texts
 * out of the request (chat messages and their text parts, a completion's prompt, an embedding's
 * input) or out of the answer (each choice's message, a stream's text), hands them to
 * {@link GuardrailCheck#check}, and writes back the texts a check returns or refuses the call with
 * an OpenAI-shaped 400 naming the guardrail. It runs {@code pre_call} checks before the call,
 * {@code during_call} checks beside the upstream call (a refusal cancels it), {@code post_call}
 * checks on the answer, a stream's piece by piece when the check allows it
 * ({@link GuardrailCheck#checksStreamsInPieces()}); and it decides which guardrails a call gets
 * ({@code default_on}, the key's {@code metadata.guardrails}, the request's {@code guardrails}).
 *
 * @since 1.4.0
 */
public interface Guardrail extends ExtensionPoint {

    /** @return the {@code litellm_params.guardrail} value it serves, e.g. {@code pii_masking} */
    String type();

    /**
     * Opens one configured guardrail; called once at start-up.
     *
     * @throws IllegalArgumentException naming a setting it cannot use ({@link ConfigSection#invalid}); the
     *                                  gateway then refuses to start, as a guardrail left out would let calls
     *                                  through unchecked
     */
    GuardrailCheck open(GuardrailSetup setup);
}
