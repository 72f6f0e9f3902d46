package dev.sluice.core.keys;

import dev.sluice.core.config.TimeSpan;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.admin.Permissions;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * LiteLLM's key management: generate, look up, update, block, regenerate and delete virtual keys,
 * with the permissions of each role. Every change is announced to listeners (the auth cache), so a
 * key that is deleted or blocked stops working at once on this replica.
 */
public final class KeyService {

    static final Set<String> FIELDS = Set.of("key", "key_alias", "duration", "models", "aliases", "metadata",
            "permissions", "max_budget", "soft_budget", "budget_duration", "rpm_limit", "tpm_limit",
            "max_parallel_requests", "user_id", "team_id", "blocked", "spend", "guardrails");
    static final Set<String> NOT_YET = Set.of("config", "tags", "allowed_cache_controls",
            "model_max_budget", "model_rpm_limit", "model_tpm_limit", "send_invite_email", "enforced_params",
            "budget_id", "allowed_routes", "object_permission", "prompts", "organization_id", "key_type",
            "auto_rotate", "rotation_interval", "key_name", "new_master_key", "new_key", "grace_period");

    private final KeyStore store;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param store the keys
     * @param clock the time, for expiry and budget resets
     */
    public KeyService(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A key just made: the plain key, shown once, and what is stored. */
    public record IssuedKey(String key, KeyRecord record) {
    }

    /** Registers a listener told the token of every key that changes or goes. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /**
     * Starts new budget windows for the keys whose reset time has passed, and announces them.
     *
     * @return the tokens of the keys reset
     */
    public List<String> resetDueBudgets() {
        List<String> reset = store.resetDueBudgets(clock.instant());
        reset.forEach(this::announce);
        return reset;
    }

    /** {@code /key/generate}. */
    public IssuedKey generate(ObjectNode body, Principal caller) {
        requireWriter(caller);
        AdminBody fields = new AdminBody(body).requireOnly(FIELDS, NOT_YET);
        String key = fields.text("key").orElseGet(VirtualKeys::generate);
        if (!key.startsWith("sk-") || key.length() < 12) {
            throw AdminBody.invalid("key", "must start with \"sk-\" and be at least 12 characters long");
        }
        Optional<String> userId = fields.text("user_id");
        List<String> models = fields.strings("models").orElse(List.of());
        if (caller.role() == Role.INTERNAL_USER) {
            if (caller.userId().isEmpty() || (userId.isPresent() && !userId.equals(caller.userId()))) {
                throw Permissions.forbidden("An internal user may only create keys for itself.");
            }
            userId = caller.userId();
            models = withinCallersModels(models, caller);
        }
        Instant now = clock.instant();
        Optional<TimeSpan> budgetDuration = fields.span("budget_duration");
        KeyRecord record = new KeyRecord(VirtualKeys.token(key), VirtualKeys.abbreviation(key),
                alias(fields, null), userId, fields.text("team_id"), models,
                fields.stringMap("aliases").orElse(Map.of()), fields.object("permissions").orElse(emptyObject()),
                withGuardrails(fields, fields.object("metadata").orElse(emptyObject())), fields.amount("max_budget"),
                fields.amount("soft_budget"), fields.amount("spend").orElse(BigDecimal.ZERO), budgetDuration,
                budgetDuration.map(span -> span.after(now)), fields.count("tpm_limit"), fields.count("rpm_limit"),
                fields.count("max_parallel_requests").map(Long::intValue),
                fields.span("duration").map(span -> span.after(now)), fields.bool("blocked").orElse(false),
                Permissions.actor(caller), now, now);
        if (store.find(record.token()).isPresent()) {
            throw AdminBody.invalid("key", "is already in use; choose another or leave it out");
        }
        store.insert(record);
        return new IssuedKey(key, record);
    }

    /** {@code /key/info}: admins see every key, users theirs, a key itself. */
    public KeyRecord info(String keyOrToken, Principal caller) {
        return owned(keyOrToken, caller, false);
    }

    /** LiteLLM's {@code guardrails} of a key, kept in its metadata, where the guardrail stage reads it. */
    private static ObjectNode withGuardrails(AdminBody fields, ObjectNode metadata) {
        fields.strings("guardrails").ifPresent(names -> {
            com.fasterxml.jackson.databind.node.ArrayNode listed = metadata.putArray("guardrails");
            names.forEach(listed::add);
        });
        return metadata;
    }

    /** {@code /key/update}: the fields present in the body are changed, the others kept. */
    public KeyRecord update(ObjectNode body, Principal caller) {
        requireWriter(caller);
        AdminBody fields = new AdminBody(body).requireOnly(FIELDS, NOT_YET);
        KeyRecord key = owned(fields.text("key").orElseThrow(() -> AdminBody.invalid("key", "is required")), caller, true);
        Map<String, Object> changes = new LinkedHashMap<>();
        Instant now = clock.instant();
        if (fields.has("key_alias")) {
            changes.put("key_alias", alias(fields, key.token()));
        }
        if (fields.has("user_id")) {
            if (caller.role() != Role.PROXY_ADMIN) {
                throw Permissions.forbidden("Only an admin may move a key to another user.");
            }
            changes.put("user_id", fields.text("user_id"));
        }
        copy(fields, changes, "team_id", fields.text("team_id"));
        if (fields.has("models")) {
            List<String> models = fields.strings("models").orElse(List.of());
            changes.put("models", caller.role() == Role.PROXY_ADMIN ? models : withinCallersModels(models, caller));
        }
        copy(fields, changes, "aliases", fields.stringMap("aliases").orElse(Map.of()));
        copy(fields, changes, "permissions", fields.object("permissions").orElse(emptyObject()));
        copy(fields, changes, "metadata", fields.object("metadata").orElse(emptyObject()));
        if (fields.has("guardrails")) {
            changes.put("metadata", withGuardrails(fields, fields.object("metadata").orElse(key.metadata().deepCopy())));
        }
        if (changes.containsKey("metadata") && caller.role() != Role.PROXY_ADMIN) {
            // a key's guardrails are the admin's to change: its owner edits the rest of its metadata
            ObjectNode kept = (ObjectNode) changes.get("metadata");
            kept.remove("guardrails");
            if (key.metadata().has("guardrails")) {
                kept.set("guardrails", key.metadata().get("guardrails"));
            }
        }
        copy(fields, changes, "max_budget", fields.amount("max_budget"));
        copy(fields, changes, "soft_budget", fields.amount("soft_budget"));
        copy(fields, changes, "spend", fields.amount("spend").orElse(BigDecimal.ZERO));
        copy(fields, changes, "tpm_limit", fields.count("tpm_limit"));
        copy(fields, changes, "rpm_limit", fields.count("rpm_limit"));
        copy(fields, changes, "max_parallel_requests", fields.count("max_parallel_requests").map(Long::intValue));
        copy(fields, changes, "blocked", fields.bool("blocked").orElse(false));
        if (fields.has("budget_duration")) {
            Optional<TimeSpan> span = fields.span("budget_duration");
            changes.put("budget_duration", span);
            changes.put("budget_reset_at", span.map(s -> s.after(now)));
        }
        if (fields.has("duration")) {
            changes.put("expires", fields.span("duration").map(span -> span.after(now)));
        }
        store.update(key.token(), changes, now, Permissions.actor(caller).orElse(null));
        announce(key.token());
        return store.find(key.token()).orElseThrow(() -> notFound(key.keyName()));
    }

    /** {@code /key/block} and {@code /key/unblock}. */
    public KeyRecord setBlocked(String keyOrToken, boolean blocked, Principal caller) {
        Permissions.requireAdmin(caller, "block or unblock keys");
        KeyRecord key = owned(keyOrToken, caller, true);
        store.update(key.token(), Map.of("blocked", blocked), clock.instant(), Permissions.actor(caller).orElse(null));
        announce(key.token());
        return store.find(key.token()).orElseThrow(() -> notFound(key.keyName()));
    }

    /** {@code /key/regenerate}: a new key for the same settings; the old one stops working. */
    public IssuedKey regenerate(String keyOrToken, Principal caller) {
        requireWriter(caller);
        KeyRecord old = owned(keyOrToken, caller, true);
        String key = VirtualKeys.generate();
        String token = VirtualKeys.token(key);
        store.replaceToken(old.token(), token, VirtualKeys.abbreviation(key), clock.instant());
        announce(old.token());
        return new IssuedKey(key, store.find(token).orElseThrow(() -> notFound(old.keyName())));
    }

    /**
     * {@code /key/delete}: by {@code keys} (keys or tokens) and/or {@code key_aliases}.
     *
     * @return the given identifiers whose keys were deleted
     */
    public List<String> delete(ObjectNode body, Principal caller) {
        requireWriter(caller);
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("keys", "key_aliases"), Set.of());
        List<String> given = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (String key : fields.strings("keys").orElse(List.of())) {
            given.add(key);
            tokens.add(owned(key, caller, true).token());
        }
        for (String alias : fields.strings("key_aliases").orElse(List.of())) {
            KeyRecord key = store.findByAlias(alias).orElseThrow(() -> notFound("alias " + alias));
            owned(key.token(), caller, true);
            given.add(alias);
            tokens.add(key.token());
        }
        if (given.isEmpty()) {
            throw AdminBody.invalid("keys", "or 'key_aliases' must name at least one key");
        }
        store.delete(tokens);
        tokens.forEach(this::announce);
        return given;
    }

    /**
     * Deletes every key of a user or a team, when the user or team goes.
     *
     * @param column {@code user_id} or {@code team_id}
     * @return how many keys were deleted
     */
    public int deleteAllOf(String column, String id) {
        List<String> tokens = ownedBy(column, id).stream().map(KeyRecord::token).toList();
        store.delete(tokens);
        tokens.forEach(this::announce);
        return tokens.size();
    }

    /**
     * Makes every replica read a user's or team's keys afresh: what they may do follows the user's
     * role, which changed.
     *
     * @param column {@code user_id} or {@code team_id}
     */
    public void refreshAllOf(String column, String id) {
        ownedBy(column, id).forEach(key -> announce(key.token()));
    }

    /**
     * @param column {@code user_id} or {@code team_id}
     * @return the keys of a user or team, newest first (at most 10,000)
     */
    public List<KeyRecord> ownedBy(String column, String id) {
        return store.list(Map.of(column, id), 1, 10_000).keys();
    }

    /** {@code /key/list}: internal users see their own keys only; a key without a user, itself. */
    public KeyStore.KeyPage list(Map<String, String> filters, int page, int size, Principal caller) {
        if (page < 1 || size < 1 || size > 1000) {
            throw GatewayException.badRequest("'page' must be 1 or more and 'size' between 1 and 1000.", "size");
        }
        Map<String, String> scoped = new LinkedHashMap<>(filters);
        if (!Permissions.isAdmin(caller)) {
            // (a NUL placeholder here was a 500 on PostgreSQL, which refuses NUL in text)
            caller.userId().ifPresentOrElse(user -> scoped.put("user_id", user),
                    () -> scoped.put("token", caller.subject()));
        }
        return store.list(scoped, page, size);
    }

    /**
     * The key, if the caller may see it (write: change it). Admins may see all; an internal user the
     * keys of its user; a key itself, for reading only. Others get a 404, as if it did not exist.
     */
    private KeyRecord owned(String keyOrToken, Principal caller, boolean write) {
        String token = keyOrToken.startsWith("sk-") ? VirtualKeys.token(keyOrToken)
                : VirtualKeys.isToken(keyOrToken) ? keyOrToken : null;
        String shown = keyOrToken.startsWith("sk-") ? VirtualKeys.abbreviation(keyOrToken) : keyOrToken;
        if (token == null) {
            throw notFound(shown);
        }
        KeyRecord key = store.find(token).orElseThrow(() -> notFound(shown));
        boolean itself = !write && caller.subject().equals(key.token());
        boolean sameUser = caller.userId().isPresent() && caller.userId().equals(key.userId());
        if (!Permissions.isAdmin(caller) && !itself && !sameUser) {
            throw notFound(shown);
        }
        return key;
    }

    private Optional<String> alias(AdminBody fields, String ownToken) {
        Optional<String> alias = fields.text("key_alias").filter(a -> !a.isBlank());
        alias.flatMap(store::findByAlias).filter(other -> !other.token().equals(ownToken)).ifPresent(other -> {
            throw AdminBody.invalid("key_alias", "is already used by another key");
        });
        return alias;
    }

    /** A restricted caller's keys can be no less restricted: by default, its own model list. */
    private static List<String> withinCallersModels(List<String> requested, Principal caller) {
        if (caller.allowedModels().isEmpty()) {
            return requested;
        }
        if (requested.isEmpty()) {
            return List.copyOf(new java.util.TreeSet<>(caller.allowedModels()));
        }
        for (String model : requested) {
            if (!caller.allowedModels().contains(model)) {
                throw AdminBody.invalid("models", "may only name models your own key may use: " + model + " is not one");
            }
        }
        return requested;
    }

    private static void copy(AdminBody fields, Map<String, Object> changes, String field, Object value) {
        if (fields.has(field)) {
            changes.put(field, value);
        }
    }

    private void announce(String token) {
        listeners.forEach(listener -> listener.accept(token));
    }

    private static void requireWriter(Principal caller) {
        if (caller.role() != Role.PROXY_ADMIN && caller.role() != Role.INTERNAL_USER) {
            throw Permissions.forbidden("Your role (" + caller.role().wireName() + ") may read keys but not change them.");
        }
    }

    private static GatewayException notFound(String shown) {
        return Permissions.notFound("Key", shown, "key", "list yours with /key/list");
    }

    private static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }
}
