package dev.sluice.core.guardrails;

import dev.sluice.api.CallContext;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.core.config.GuardrailConfig;
import java.util.List;
import java.util.Map;

/** A guardrail of the configuration with its plugin's check: asks it, and holds it to its contract. */
record ConfiguredGuardrail(GuardrailConfig config, GuardrailCheck check) {

    /** @return whether it runs in the mode */
    boolean runs(GuardrailConfig.Mode mode) {
        return config.modes().contains(mode);
    }

    /**
     * @return the verdict on the texts; a refusal as the caller's 400, a check that failed as a 500
     *         naming the guardrail (a guardrail that cannot check lets nothing through)
     */
    GuardrailVerdict ask(String inputType, List<String> texts, CallContext context, Map<String, Object> memo) {
        GuardrailVerdict verdict;
        try {
            verdict = check.check(new GuardrailInput(inputType, texts, context.callId(), context.principal(), memo));
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GatewayException(ErrorKind.INTERNAL, 500, "Guardrail '" + config.name() + "' could not check "
                    + "the " + inputType + " (" + e.getClass().getSimpleName() + "); the call was not let through "
                    + "unchecked. Try again, or ask an admin to look at the guardrail.", null, null, null, e);
        }
        if (verdict == null) {
            throw GatewayException.of(ErrorKind.INTERNAL, "Guardrail '" + config.name() + "' gave no verdict; this is "
                    + "a bug in its plugin.");
        }
        if (verdict.action() == GuardrailVerdict.Action.BLOCKED) {
            throw refusal(inputType, verdict.reason().orElse("no reason given"));
        }
        if (verdict.action() == GuardrailVerdict.Action.GUARDRAIL_INTERVENED && verdict.texts().size() != texts.size()) {
            throw GatewayException.of(ErrorKind.INTERNAL, "Guardrail '" + config.name() + "' returned "
                    + verdict.texts().size() + " texts for " + texts.size() + "; this is a bug in its plugin.");
        }
        return verdict;
    }

    /** @return LiteLLM's answer to a call a guardrail refused: a 400 naming it */
    GatewayException refusal(String inputType, String reason) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, "Violated guardrail policy: guardrail '" + config.name()
                + "' blocked the " + inputType + ": " + reason, null, null, null, null);
    }
}
