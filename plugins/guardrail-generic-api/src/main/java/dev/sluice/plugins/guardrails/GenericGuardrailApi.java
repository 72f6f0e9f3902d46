package dev.sluice.plugins.guardrails;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.Guardrail;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailSetup;
import java.net.URI;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code generic_guardrail_api}: the site's own checking service, called with LiteLLM's
 * contract ({@code POST <api_base>/beta/litellm_basic_guardrail_api}, answering {@code NONE},
 * {@code BLOCKED} or {@code GUARDRAIL_INTERVENED} with new texts).
 *
 * <pre>{@code
 * guardrails:
 *   - guardrail_name: house-check
 *     litellm_params:
 *       guardrail: generic_guardrail_api
 *       mode: during_call
 *       api_base: https://guard.internal.example.com
 *       api_key: os.environ/GUARD_API_KEY     # sent as Authorization: Bearer ...
 *       additional_provider_specific_params: {threshold: 0.8}
 *       timeout: 10                            # seconds
 *       stream_in_pieces: false                # true if the service may judge an answer sentence by sentence
 * }</pre>
 *
 * A service that cannot be reached, answers an error or answers what the contract does not know
 * fails the check, and the gateway refuses the call (500) rather than let it through unchecked.
 */
@Extension
public final class GenericGuardrailApi implements Guardrail {

    @Override
    public String type() {
        return "generic_guardrail_api";
    }

    @Override
    public GuardrailCheck open(GuardrailSetup setup) {
        ConfigSection settings = setup.settings();
        URI endpoint = URI.create(settings.httpUrl("api_base", settings.requiredText("api_base"))
                + "/beta/litellm_basic_guardrail_api");
        long timeout = settings.number("timeout", 10);
        if (timeout < 1 || timeout > 300) {
            throw settings.invalid("timeout", "must be between 1 and 300 seconds");
        }
        ObjectNode extra = settings.get("additional_provider_specific_params").isObject()
                ? (ObjectNode) settings.get("additional_provider_specific_params") : setup.json().createObjectNode();
        return new GuardrailService(endpoint, settings.text("api_key"), extra, Duration.ofSeconds(timeout),
                settings.flag("stream_in_pieces", false), setup.transport(), setup.json());
    }
}
