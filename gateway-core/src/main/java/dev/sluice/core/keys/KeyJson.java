package dev.sluice.core.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/** A key in LiteLLM's JSON shape, as the admin API answers with it. Never carries the key itself. */
public final class KeyJson {

    private KeyJson() {
    }

    /** @return the key as the admin API shows it */
    public static ObjectNode describe(KeyRecord key, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("token", key.token());
        node.put("key_name", key.keyName());
        text(node, "key_alias", key.keyAlias());
        text(node, "user_id", key.userId());
        text(node, "team_id", key.teamId());
        ArrayNode models = node.putArray("models");
        key.models().forEach(models::add);
        ObjectNode aliases = node.putObject("aliases");
        key.aliases().forEach(aliases::put);
        node.set("permissions", key.permissions());
        node.set("metadata", key.metadata());
        key.maxBudget().ifPresentOrElse(v -> node.put("max_budget", v), () -> node.putNull("max_budget"));
        key.softBudget().ifPresentOrElse(v -> node.put("soft_budget", v), () -> node.putNull("soft_budget"));
        node.put("spend", key.spend());
        text(node, "budget_duration", key.budgetDuration().map(Object::toString));
        time(node, "budget_reset_at", key.budgetResetAt());
        key.tpmLimit().ifPresentOrElse(v -> node.put("tpm_limit", v), () -> node.putNull("tpm_limit"));
        key.rpmLimit().ifPresentOrElse(v -> node.put("rpm_limit", v), () -> node.putNull("rpm_limit"));
        key.maxParallelRequests().ifPresentOrElse(v -> node.put("max_parallel_requests", v),
                () -> node.putNull("max_parallel_requests"));
        time(node, "expires", key.expires());
        node.put("blocked", key.blocked());
        text(node, "created_by", key.createdBy());
        time(node, "created_at", Optional.of(key.createdAt()));
        time(node, "updated_at", Optional.of(key.updatedAt()));
        return node;
    }

    private static void text(ObjectNode node, String field, Optional<String> value) {
        value.ifPresentOrElse(v -> node.put(field, v), () -> node.putNull(field));
    }

    private static void time(ObjectNode node, String field, Optional<Instant> value) {
        value.ifPresentOrElse(v -> node.put(field, v.toString()), () -> node.putNull(field));
    }
}
