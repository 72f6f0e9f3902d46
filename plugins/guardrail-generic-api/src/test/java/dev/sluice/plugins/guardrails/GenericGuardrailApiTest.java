package dev.sluice.plugins.guardrails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailSetup;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.testkit.FakeLogIntake;
import dev.sluice.testkit.JdkHttpTransport;
import dev.sluice.testkit.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against an in-process service speaking LiteLLM's generic guardrail API (an HTTP endpoint that records and answers). */
class GenericGuardrailApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeLogIntake service = new FakeLogIntake();

    @AfterEach
    void stop() {
        service.close();
    }

    private GuardrailCheck open() {
        return new GenericGuardrailApi().open(new GuardrailSetup("house", new ConfigSection("guardrails.house.litellm_params",
                JSON.valueToTree(Map.of("api_base", service.baseUri() + "/", "api_key", "guard-key",
                        "additional_provider_specific_params", Map.of("threshold", 0.8)))), Map.of(),
                new JdkHttpTransport(), JSON));
    }

    private static GuardrailVerdict check(GuardrailCheck check, String... texts) {
        Principal caller = new Principal("a".repeat(64), Role.INTERNAL_USER, Optional.of("bot"), Optional.empty(),
                Optional.of("search"), Set.of(), Map.of());
        return check.check(new GuardrailInput(GuardrailInput.REQUEST, List.of(texts), "call-9", Optional.of(caller),
                new HashMap<>()));
    }

    @Test
    void theServiceGetsLiteLlmsRequestAndItsThreeAnswersAreHonoured() throws Exception {
        GuardrailCheck check = open();
        service.failNextWithBody(200, "{\"action\": \"NONE\"}", null);
        assertEquals(GuardrailVerdict.Action.NONE, check(check, "hello").action());
        RecordedRequest sent = service.takeRequest();
        assertEquals("/beta/litellm_basic_guardrail_api", sent.path());
        assertEquals("Bearer guard-key", sent.header("authorization").orElseThrow());
        JsonNode body = JSON.readTree(sent.body());
        assertEquals(List.of("hello"), List.of(body.path("texts").path(0).asText()));
        assertEquals("request", body.path("input_type").asText());
        assertEquals("call-9", body.path("litellm_call_id").asText());
        assertEquals("bot", body.path("request_data").path("user_api_key_alias").asText());
        assertEquals(0.8, body.path("additional_provider_specific_params").path("threshold").asDouble());

        service.failNextWithBody(200, "{\"action\": \"BLOCKED\", \"blocked_reason\": \"off topic\"}", null);
        GuardrailVerdict blocked = check(check, "x");
        assertEquals(GuardrailVerdict.Action.BLOCKED, blocked.action());
        assertEquals("off topic", blocked.reason().orElseThrow());

        service.failNextWithBody(200, "{\"action\": \"GUARDRAIL_INTERVENED\", \"texts\": [\"a\", \"b\"]}", null);
        assertEquals(List.of("a", "b"), check(check, "1", "2").texts());
    }

    @Test
    void aServiceThatFailsOrAnswersOutsideTheContractFailsTheCheck() {
        GuardrailCheck check = open();
        service.failNext(500, null);
        assertThrows(IllegalStateException.class, () -> check(check, "x"));
        service.failNextWithBody(200, "{\"action\": \"MAYBE\"}", null);
        assertThrows(IllegalStateException.class, () -> check(check, "x"));
        service.failNextWithBody(200, "{\"action\": \"GUARDRAIL_INTERVENED\", \"texts\": []}", null);
        assertThrows(IllegalStateException.class, () -> check(check, "x"));
    }
}
