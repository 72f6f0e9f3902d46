package dev.sluice.plugins.guardrails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailSetup;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.testkit.JdkHttpTransport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PiiMaskingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static GuardrailCheck open(Map<String, ?> settings) {
        return new PiiMasking().open(new GuardrailSetup("mask-pii", new ConfigSection(
                "guardrails.mask-pii.litellm_params", JSON.valueToTree(settings)), Map.of(), new JdkHttpTransport(), JSON));
    }

    private static GuardrailVerdict check(GuardrailCheck check, String type, Map<String, Object> memo, String... texts) {
        return check.check(new GuardrailInput(type, List.of(texts), "call-1", Optional.empty(), memo));
    }

    private static String masked(String text) {
        GuardrailVerdict verdict = check(open(Map.of()), GuardrailInput.REQUEST, new HashMap<>(), text);
        return verdict.action() == GuardrailVerdict.Action.NONE ? text : verdict.texts().get(0);
    }

    @Test
    void eachKindIsFoundAndMaskedAndLookAlikesAreLeftAlone() {
        assertEquals("Mail <EMAIL_ADDRESS_1> now", masked("Mail jane.doe+x@example.co.uk now"));
        assertEquals("Card <CREDIT_CARD_1>.", masked("Card 4111 1111 1111 1111."));
        assertEquals("Card 4111 1111 1111 1112.", masked("Card 4111 1111 1111 1112."), "fails the Luhn check");
        assertEquals("Pay to <IBAN_CODE_1> please", masked("Pay to DE89 3704 0044 0532 0130 00 please"));
        assertEquals("Pay to DE89 3704 0044 0532 0130 02 please", masked("Pay to DE89 3704 0044 0532 0130 02 please"),
                "fails the mod-97 check");
        assertEquals("Call <PHONE_NUMBER_1> or <PHONE_NUMBER_2>", masked("Call +44 20 7946 0958 or 555-123-4567"));
        assertEquals("Due 2026-12-07, order 12345678", masked("Due 2026-12-07, order 12345678"), "not phones");
        assertEquals("key <API_KEY_1> and <API_KEY_2>", masked("key sk-proj-abcdefghijklmnopqrstuvwx12 and "
                + "AKIAIOSFODNN7EXAMPLE"));
    }

    @Test
    void theSameValueGetsTheSamePlaceholderAndTheAnswerGetsTheOriginalsBack() {
        GuardrailCheck check = open(Map.of("output_parse_pii", true));
        Map<String, Object> memo = new HashMap<>();
        GuardrailVerdict request = check(check, GuardrailInput.REQUEST, memo, "From a@b.io", "to c@d.io and a@b.io");
        assertEquals(List.of("From <EMAIL_ADDRESS_1>", "to <EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1>"), request.texts());
        GuardrailVerdict answer = check(check, GuardrailInput.RESPONSE, memo, "Replying to <EMAIL_ADDRESS_2>.");
        assertEquals(List.of("Replying to c@d.io."), answer.texts());
        assertEquals(GuardrailVerdict.Action.NONE, check(check, GuardrailInput.RESPONSE, new HashMap<>(),
                "<EMAIL_ADDRESS_9> stays").action(), "a placeholder this call did not make stays as it is");
    }

    @Test
    void withoutUnmaskingAnAnswersPiiIsMaskedToo() {
        GuardrailVerdict answer = check(open(Map.of()), GuardrailInput.RESPONSE, new HashMap<>(), "Write to x@y.org");
        assertEquals(List.of("Write to <EMAIL_ADDRESS_1>"), answer.texts());
    }

    @Test
    void aBlockedKindRefusesWithoutShowingTheValue() {
        GuardrailCheck check = open(Map.of("pii_entities_config", Map.of("CREDIT_CARD", "BLOCK")));
        GuardrailVerdict verdict = check(check, GuardrailInput.REQUEST, new HashMap<>(), "My card: 4111111111111111");
        assertEquals(GuardrailVerdict.Action.BLOCKED, verdict.action());
        assertTrue(verdict.reason().orElseThrow().contains("CREDIT_CARD"));
        assertFalse(verdict.reason().orElseThrow().contains("4111"));
        assertEquals(GuardrailVerdict.Action.NONE, check(check, GuardrailInput.REQUEST, new HashMap<>(), "a@b.io")
                .action(), "entities left out of pii_entities_config are not looked for");
    }

    @Test
    void settingsItCannotUseAreRefusedNamingThem() {
        IllegalArgumentException entity = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("pii_entities_config", Map.of("SHOE_SIZE", "MASK"))));
        assertTrue(entity.getMessage().startsWith("guardrails.mask-pii.litellm_params.pii_entities_config"));
        assertThrows(IllegalArgumentException.class, () -> open(Map.of("pii_entities_config", Map.of("CREDIT_CARD",
                "SHRED"))));
    }
}
