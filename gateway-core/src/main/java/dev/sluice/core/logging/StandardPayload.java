package dev.sluice.core.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Principal;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * LiteLLM's standard logging payload of one call, the one object every logger receives. Made of
 * what the gateway already holds about the call; nothing secret goes in: the key only as its hash,
 * no header, no provider credential, {@code api_base} without its query.
 */
final class StandardPayload {

    /** LiteLLM's call types, by the gateway's operation. */
    private static final Map<ModelRequest.Operation, String> CALL_TYPES = Map.ofEntries(
            Map.entry(ModelRequest.Operation.CHAT, "acompletion"),
            Map.entry(ModelRequest.Operation.TEXT_COMPLETION, "atext_completion"),
            Map.entry(ModelRequest.Operation.EMBEDDING, "aembedding"),
            Map.entry(ModelRequest.Operation.RESPONSES, "aresponses"),
            Map.entry(ModelRequest.Operation.IMAGE_GENERATION, "aimage_generation"),
            Map.entry(ModelRequest.Operation.IMAGE_EDIT, "aimage_edit"),
            Map.entry(ModelRequest.Operation.AUDIO_TRANSCRIPTION, "atranscription"),
            Map.entry(ModelRequest.Operation.AUDIO_SPEECH, "aspeech"),
            Map.entry(ModelRequest.Operation.MODERATION, "amoderation"),
            Map.entry(ModelRequest.Operation.RERANK, "arerank"));

    private StandardPayload() {
    }

    /** @return the call's payload */
    static ObjectNode of(EndedCall call, boolean withMessages, ObjectMapper json) {
        ObjectNode payload = json.createObjectNode();
        ModelRequest request = call.request();
        payload.put("id", call.callId()).put("trace_id", call.callId())
                .put("call_type", callType(call))
                .put("status", call.succeeded() ? "success" : "failure")
                .put("stream", request.stream())
                .put("response_cost", call.cost())
                .put("prompt_tokens", call.usage().promptTokens())
                .put("completion_tokens", call.usage().completionTokens())
                .put("total_tokens", call.usage().totalTokens())
                .put("cache_hit", call.cacheHit())
                .put("startTime", epochSeconds(call.startedAt()))
                .put("endTime", epochSeconds(call.endedAt()))
                .put("completionStartTime", epochSeconds(call.firstChunkAt().orElse(call.endedAt())))
                .put("response_time", seconds(Duration.between(call.startedAt(),
                        call.firstChunkAt().orElse(call.endedAt()))))
                .put("model_group", request.model());
        describeDeployment(payload, call);
        describeCaller(payload.putObject("metadata"), call);
        request.user().ifPresentOrElse(user -> payload.put("end_user", user), () -> payload.put("end_user", ""));
        if (withMessages) {
            payload.set("messages", messages(request));
            payload.set("response", call.answer().map(answer -> answer.isTextual() ? streamed(answer.asText(), json)
                    : answer).orElse(null));
        }
        call.failure().ifPresent(failure -> describeFailure(payload, failure, call));
        return payload;
    }

    /** LiteLLM's name of the call: by the route it came through where the spend stage names one. */
    private static String callType(EndedCall call) {
        String route = call.callType().orElse("");
        if (route.equals("responses")) {
            return "aresponses";
        }
        if (route.contains("messages")) {
            return "anthropic_messages";
        }
        ModelRequest.Operation operation = call.request().operation();
        return CALL_TYPES.getOrDefault(operation, operation.name().toLowerCase(Locale.ROOT));
    }

    private static void describeDeployment(ObjectNode payload, EndedCall call) {
        if (call.deployment().isEmpty()) {
            payload.put("model", call.request().model()).putNull("model_id").put("custom_llm_provider", "")
                    .put("api_base", "");
            return;
        }
        Deployment deployment = call.deployment().get();
        String base = deployment.apiBase().orElse("");
        int query = base.indexOf('?');
        payload.put("model", deployment.providerModel()).put("model_id", deployment.id())
                .put("custom_llm_provider", deployment.provider())
                .put("api_base", query < 0 ? base : base.substring(0, query));
    }

    private static void describeCaller(ObjectNode metadata, EndedCall call) {
        Principal caller = call.caller().orElse(null);
        metadata.put("user_api_key_hash", caller == null ? null : caller.subject())
                .put("user_api_key_alias", caller == null ? null : caller.keyAlias().orElse(null))
                .put("user_api_key_user_id", caller == null ? null : caller.userId().orElse(null))
                .put("user_api_key_team_id", caller == null ? null : caller.teamId().orElse(null))
                .put("user_api_key_team_alias", call.teamAlias().orElse(null))
                .put("user_api_key_end_user_id", call.request().user().orElse(null))
                .put("requester_ip_address", call.clientAddress());
    }

    private static void describeFailure(ObjectNode payload, GatewayException failure, EndedCall call) {
        payload.put("error_str", failure.getMessage());
        payload.putObject("error_information")
                .put("error_code", Integer.toString(failure.status()))
                .put("error_class", failure.kind().name())
                .put("llm_provider", call.deployment().map(Deployment::provider).orElse(""))
                .put("error_message", failure.getMessage());
    }

    /** The prompt as the caller sent it: chat messages, else the operation's input. */
    private static JsonNode messages(ModelRequest request) {
        if (request instanceof ChatRequest chat) {
            return chat.body().get("messages");
        }
        JsonNode body = request.body();
        for (String field : new String[] {"messages", "input", "prompt", "query"}) {
            if (body.has(field)) {
                return body.get(field);
            }
        }
        return null;
    }

    /** A stream's delivered text as the one message of a chat completion, as LiteLLM logs streams. */
    private static ObjectNode streamed(String text, ObjectMapper json) {
        ObjectNode completion = json.createObjectNode().put("object", "chat.completion");
        completion.putArray("choices").addObject().put("index", 0).putObject("message")
                .put("role", "assistant").put("content", text);
        return completion;
    }

    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
    }

    private static BigDecimal seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9);
    }
}
