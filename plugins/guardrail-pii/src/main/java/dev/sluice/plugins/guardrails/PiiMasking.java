package dev.sluice.plugins.guardrails;

import dev.sluice.api.ConfigSection;
import dev.sluice.api.Guardrail;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailSetup;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pf4j.Extension;

/**
 * The {@code pii_masking} guardrail: finds emails, phone, card and IBAN numbers and API keys in
 * what is sent and replaces each with a placeholder ({@code <EMAIL_ADDRESS_1>}) before the model
 * sees it, or refuses the call; with {@code output_parse_pii} it puts the originals back into the
 * answer. Runs in this process, with no service to call.
 *
 * <pre>{@code
 * guardrails:
 *   - guardrail_name: mask-pii
 *     litellm_params:
 *       guardrail: pii_masking
 *       mode: [pre_call, post_call]
 *       default_on: true
 *       pii_entities_config: {CREDIT_CARD: BLOCK, EMAIL_ADDRESS: MASK}   # default: every entity MASK
 *       output_parse_pii: true
 * }</pre>
 */
@Extension
public final class PiiMasking implements Guardrail {

    @Override
    public String type() {
        return "pii_masking";
    }

    @Override
    public GuardrailCheck open(GuardrailSetup setup) {
        ConfigSection settings = setup.settings();
        Map<PiiEntity, PiiCheck.Action> actions = new EnumMap<>(PiiEntity.class);
        Map<String, String> configured = settings.textMap("pii_entities_config");
        for (PiiEntity entity : PiiEntity.values()) {
            actions.put(entity, configured.isEmpty() ? PiiCheck.Action.MASK : null);
        }
        configured.forEach((name, action) -> {
            PiiEntity entity;
            try {
                entity = PiiEntity.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw settings.invalid("pii_entities_config", "unknown entity '" + name + "'; known: "
                        + Arrays.toString(PiiEntity.values()));
            }
            try {
                actions.put(entity, PiiCheck.Action.valueOf(action.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw settings.invalid("pii_entities_config", name + " must be MASK or BLOCK, not '" + action + "'");
            }
        });
        actions.values().removeIf(Objects::isNull);
        return new PiiCheck(actions, settings.flag("output_parse_pii", false));
    }
}
