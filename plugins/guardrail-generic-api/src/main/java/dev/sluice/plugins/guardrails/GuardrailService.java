package dev.sluice.plugins.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.Principal;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One generic guardrail API's check: a POST per check. */
final class GuardrailService implements GuardrailCheck {

    private final URI endpoint;
    private final Optional<String> apiKey;
    private final ObjectNode extra;
    private final Duration timeout;
    private final boolean inPieces;
    private final HttpTransport transport;
    private final ObjectMapper json;

    GuardrailService(URI endpoint, Optional<String> apiKey, ObjectNode extra, Duration timeout, boolean inPieces,
                     HttpTransport transport, ObjectMapper json) {
        this.endpoint = endpoint;
        this.apiKey = apiKey;
        this.extra = extra;
        this.timeout = timeout;
        this.inPieces = inPieces;
        this.transport = transport;
        this.json = json;
    }

    @Override
    public GuardrailVerdict check(GuardrailInput input) {
        ObjectNode body = json.createObjectNode();
        ArrayNode texts = body.putArray("texts");
        input.texts().forEach(texts::add);
        ObjectNode caller = body.putObject("request_data");
        input.caller().ifPresent(principal -> describe(principal, caller));
        body.put("input_type", input.inputType()).put("litellm_call_id", input.callId())
                .put("litellm_trace_id", input.callId()).set("additional_provider_specific_params", extra);
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        apiKey.ifPresent(key -> headers.put("Authorization", "Bearer " + key));
        UpstreamResponse answer;
        try {
            answer = transport.send(new UpstreamRequest("POST", endpoint, headers, json.writeValueAsBytes(body), timeout));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("the guardrail service at " + endpoint.getHost() + " answered HTTP "
                    + answer.status());
        }
        return verdict(answer.body(), input.texts().size());
    }

    private GuardrailVerdict verdict(byte[] answer, int texts) {
        JsonNode verdict;
        try {
            verdict = json.readTree(answer);
        } catch (IOException e) {
            throw new IllegalStateException("the guardrail service answered no JSON");
        }
        return switch (verdict.path("action").asText()) {
            case "NONE" -> GuardrailVerdict.pass();
            case "BLOCKED" -> GuardrailVerdict.block(verdict.path("blocked_reason").asText("blocked by the guardrail service"));
            case "GUARDRAIL_INTERVENED" -> {
                List<String> replaced = new ArrayList<>();
                verdict.path("texts").forEach(text -> replaced.add(text.asText()));
                if (replaced.size() != texts) {
                    throw new IllegalStateException("the guardrail service returned " + replaced.size() + " texts for "
                            + texts);
                }
                yield GuardrailVerdict.replace(replaced);
            }
            default -> throw new IllegalStateException("the guardrail service answered action '"
                    + verdict.path("action").asText() + "'; expected NONE, BLOCKED or GUARDRAIL_INTERVENED");
        };
    }

    private static void describe(Principal principal, ObjectNode caller) {
        caller.put("user_api_key_hash", principal.subject())
                .put("user_api_key_alias", principal.keyAlias().orElse(null))
                .put("user_api_key_user_id", principal.userId().orElse(null))
                .put("user_api_key_team_id", principal.teamId().orElse(null));
    }

    @Override
    public boolean checksStreamsInPieces() {
        return inPieces;
    }
}
