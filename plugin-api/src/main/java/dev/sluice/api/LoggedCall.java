package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One model call as loggers receive it.
 *
 * @param id        the call's id ({@code x-litellm-call-id})
 * @param succeeded whether the caller got its answer
 * @param payload   LiteLLM's standard logging payload: {@code id}, {@code call_type}, {@code status}
 *                  ({@code success} / {@code failure}), {@code model}, {@code model_group}, {@code model_id},
 *                  {@code custom_llm_provider}, {@code api_base}, {@code prompt_tokens},
 *                  {@code completion_tokens}, {@code total_tokens}, {@code response_cost}, {@code cache_hit},
 *                  {@code stream}, {@code startTime}, {@code endTime}, {@code completionStartTime} (epoch
 *                  seconds), {@code response_time} (seconds), {@code metadata} (the key's hash and alias, its
 *                  user, team and team alias, the end user, the caller's address), {@code end_user},
 *                  {@code messages} and {@code response} (left out with
 *                  {@code litellm_settings.turn_off_message_logging}), {@code error_str} and
 *                  {@code error_information} for failures. It never holds a key, a header or a provider
 *                  credential. Shared by every sink of the call: read it, do not change it.
 * @since 1.4.0
 */
public record LoggedCall(String id, boolean succeeded, ObjectNode payload) {

    /** LiteLLM's event type of a call answered. */
    public static final String SUCCESS = "llm_api_success";
    /** LiteLLM's event type of a call that failed. */
    public static final String FAILURE = "llm_api_failure";

    /** Checks the arguments. */
    public LoggedCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
    }

    /** @return {@link #SUCCESS} or {@link #FAILURE} */
    public String eventType() {
        return succeeded ? SUCCESS : FAILURE;
    }
}
