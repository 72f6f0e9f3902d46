package dev.sluice.core.users;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.admin.AdminTable;
import dev.sluice.core.admin.Columns;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.store.ColumnType;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Table;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's internal users ({@code /user/*}): people with a role, a model list, a budget and rate
 * limits, who own keys and belong to teams. Admins manage them; a user reads itself.
 */
public final class UserService {

    static final Map<String, ColumnType> FIELDS = Columns.budgeted().without("spend", "budget_reset_at")
            .add(ColumnType.TEXT, "user_email", "user_role", "budget_id").add(ColumnType.STRINGS, "models")
            .add(ColumnType.OBJECT, "metadata").build();
    static final Set<String> NOT_YET = Set.of("user_alias", "send_invite_email", "organization_id", "password",
            "sso_user_id", "object_permission", "prompts", "model_max_budget", "model_rpm_limit", "model_tpm_limit",
            "allowed_cache_controls", "guardrails", "aliases", "config", "permissions", "blocked", "duration",
            "key_alias", "team_id", "allowed_routes", "spend", "tags");

    private final AdminTable users;

    /**
     * @param database the database
     * @param json     the mapper for JSON columns
     * @param clock    the time
     */
    public UserService(Database database, ObjectMapper json, Clock clock) {
        Map<String, ColumnType> columns = Columns.stored(FIELDS, "user_id");
        this.users = new AdminTable(new Table(database, json, "sluice_users", "user_id", columns), "user",
                "User", "user_id", "list them with /user/list", clock);
    }

    /** @return the users' table, for listeners and lookups */
    public AdminTable users() {
        return users;
    }

    /**
     * Creates a user from a {@code /user/new} body's own fields ({@code teams} and
     * {@code auto_create_key} are for the caller to act on).
     */
    public ObjectNode create(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "create users");
        AdminBody fields = body(body);
        String id = fields.text("user_id").filter(text -> !text.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        Map<String, Object> values = new LinkedHashMap<>(fields.values(FIELDS));
        values.put("user_id", id);
        values.put("user_role", role(fields).orElse(Role.INTERNAL_USER.wireName()));
        return users.create(id, values);
    }

    /** Makes sure a user exists (a team member named by id or email), creating a plain internal user. */
    public String ensure(Optional<String> userId, Optional<String> email) {
        if (userId.isPresent()) {
            if (users.find(userId.get()).isEmpty()) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("user_id", userId.get());
                values.put("user_role", Role.INTERNAL_USER.wireName());
                email.ifPresent(address -> values.put("user_email", address));
                users.create(userId.get(), values);
            }
            return userId.get();
        }
        String address = email.orElseThrow(() -> AdminBody.invalid("member", "needs a 'user_id' or a 'user_email'"));
        return idOfEmail(address).orElseGet(() -> ensure(Optional.of(UUID.randomUUID().toString()), email));
    }

    /** {@code /user/update}: by {@code user_id}, or {@code user_email}. */
    public ObjectNode update(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "change users");
        AdminBody fields = body(body);
        String id = fields.text("user_id").or(() -> fields.text("user_email").map(email -> ensureKnown(email)))
                .orElseThrow(() -> AdminBody.invalid("user_id", "is required"));
        Map<String, Object> changes = new LinkedHashMap<>(fields.values(FIELDS));
        if (changes.containsKey("user_email") && fields.text("user_id").isEmpty()) {
            changes.remove("user_email");
        }
        role(fields).ifPresent(role -> changes.put("user_role", role));
        return users.update(id, changes);
    }

    /** @return the user, if the caller may see it: admins any, a user itself */
    public ObjectNode visible(String userId, Principal caller) {
        if (!Permissions.isAdmin(caller) && !caller.userId().equals(Optional.of(userId))) {
            throw users.notFound(userId);
        }
        return users.get(userId);
    }

    /**
     * {@code /user/list}.
     *
     * @param role     only users of this role, if given
     * @param userIds  only these users, if given
     */
    public ObjectNode list(Optional<String> role, List<String> userIds, int page, int size, Principal caller,
                           ObjectMapper json) {
        Permissions.requireAdminReader(caller, "the user list");
        if (page < 1 || size < 1 || size > 1000) {
            throw dev.sluice.api.GatewayException.badRequest(
                    "'page' must be 1 or more and 'page_size' between 1 and 1000.", "page_size");
        }
        Map<String, Object> filters = new LinkedHashMap<>();
        role.ifPresent(r -> filters.put("user_role", r));
        ObjectNode answer = json.createObjectNode();
        ArrayNode list = answer.putArray("users");
        long total;
        if (userIds.isEmpty()) {
            users.table().list(filters, (long) (page - 1) * size, size).forEach(list::add);
            total = users.table().count(filters);
        } else {
            List<ObjectNode> named = userIds.stream().map(users::find).flatMap(Optional::stream)
                    .filter(user -> role.isEmpty() || role.get().equals(user.path("user_role").asText())).toList();
            named.stream().skip((long) (page - 1) * size).limit(size).forEach(list::add);
            total = named.size();
        }
        answer.put("total", total);
        answer.put("page", page);
        answer.put("page_size", size);
        answer.put("total_pages", (total + size - 1) / size);
        return answer;
    }

    /** {@code /user/delete}: the users in {@code user_ids}. @return the ids deleted */
    public List<String> delete(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "delete users");
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("user_ids"), Set.of());
        return users.delete(fields.strings("user_ids").orElseThrow(() -> AdminBody.invalid("user_ids", "is required")));
    }

    /** @return the id of the user with this email, if there is one */
    public Optional<String> idOfEmail(String email) {
        return users.table().list(Map.of("user_email", email), 0, 1).stream().findFirst()
                .map(user -> user.path("user_id").asText());
    }

    private String ensureKnown(String email) {
        return idOfEmail(email).orElseThrow(() -> users.notFound(email));
    }

    private static Optional<String> role(AdminBody fields) {
        Optional<String> role = fields.text("user_role");
        role.ifPresent(name -> {
            boolean known = Arrays.stream(Role.values()).anyMatch(r -> r.wireName().equals(name.toLowerCase(Locale.ROOT)));
            if (!known) {
                throw AdminBody.invalid("user_role", "must be one of proxy_admin, proxy_admin_viewer, internal_user, "
                        + "internal_user_viewer");
            }
        });
        return role.map(name -> name.toLowerCase(Locale.ROOT));
    }

    private static AdminBody body(ObjectNode body) {
        Set<String> known = new HashSet<>(FIELDS.keySet());
        known.addAll(Set.of("user_id", "teams", "auto_create_key"));
        return new AdminBody(body).requireOnly(known, NOT_YET);
    }
}
