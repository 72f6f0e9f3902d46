package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One alert the gateway raises, on its way to the alerting channels of
 * {@code general_settings.alerting}.
 *
 * @param type    LiteLLM's alert type: {@code budget_alerts}, {@code llm_exceptions}, ...
 * @param level   {@code Low}, {@code Medium} or {@code High}, as LiteLLM grades alerts
 * @param message the alert in words, for a chat channel
 * @param event   the alert as data: for budget alerts LiteLLM's webhook event ({@code spend},
 *                {@code max_budget}, {@code soft_budget}, {@code token} (the key's hash), {@code user_id},
 *                {@code team_id}, {@code key_alias}, {@code event}, {@code event_group}, {@code event_message});
 *                for others {@code event} and {@code event_message} at least. Never holds a secret.
 * @since 1.4.0
 */
public record Alert(String type, String level, String message, ObjectNode event) {

    /** Checks the arguments. */
    public Alert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(event, "event");
    }
}
