package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.api.Principal;
import dev.sluice.core.alerting.Alerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * LiteLLM's management alerts, off unless {@code alert_types} names them: a virtual key, team or
 * internal user created, updated or deleted through the admin API, with who did it. The event
 * carries the object's identifying fields only: a key's hash, alias and abbreviation, never the
 * key (which {@code /key/generate} and {@code /user/new} answer with).
 */
final class ManagementAlerts {

    /** An admin route's alert type and event group. */
    private record Event(String type, String group, String what) {
    }

    private static final Map<String, Event> BY_ROUTE = Map.of(
            "/key/generate", new Event("new_virtual_key_created", "key", "Virtual key created"),
            "/key/update", new Event("virtual_key_updated", "key", "Virtual key updated"),
            "/key/delete", new Event("virtual_key_deleted", "key", "Virtual keys deleted"),
            "/team/new", new Event("new_team_created", "team", "Team created"),
            "/team/update", new Event("team_updated", "team", "Team updated"),
            "/team/delete", new Event("team_deleted", "team", "Teams deleted"),
            "/user/new", new Event("new_internal_user_created", "internal_user", "Internal user created"),
            "/user/update", new Event("internal_user_updated", "internal_user", "Internal user updated"),
            "/user/delete", new Event("internal_user_deleted", "internal_user", "Internal users deleted"));
    private static final List<String> FIELDS = List.of("token", "key_alias", "key_name", "user_id", "user_email",
            "user_role", "team_id", "team_alias", "models", "max_budget");

    private ManagementAlerts() {
    }

    /** Raises the route's alert, if it has one and it is on, for an admin call that succeeded. */
    static void after(String route, Principal caller, JsonNode answer, Alerts alerts, ObjectMapper json) {
        Event event = BY_ROUTE.get(route);
        if (event == null || !alerts.raises(event.type())) {
            return;
        }
        String actor = caller.userId().or(caller::keyAlias).orElse("a key of no user");
        ObjectNode payload = json.createObjectNode().put("event", event.type()).put("event_group", event.group())
                .put("created_by", actor);
        JsonNode subject = answer.isObject() ? answer : json.createObjectNode();
        for (String field : FIELDS) {
            if (subject.has(field) && !subject.get(field).isNull()) {
                payload.set(field, subject.get(field));
            }
        }
        String named = payload.path("key_alias").asText(payload.path("team_alias").asText(payload.path("user_id")
                .asText(payload.path("team_id").asText(""))));
        String message = event.what() + (named.isEmpty() ? "" : ": " + named) + ", by " + actor;
        payload.put("event_message", message);
        alerts.raise(new Alert(event.type(), "Low", message, payload), UUID.randomUUID().toString(),
                Duration.ofMinutes(1));
    }
}
