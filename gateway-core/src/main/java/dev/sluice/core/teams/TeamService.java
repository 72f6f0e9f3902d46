package dev.sluice.core.teams;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's teams ({@code /team/*}): a shared model list, budget and rate limits for the keys that
 * belong to the team, and members with a role and an optional budget within the team. Admins
 * manage teams; a team's admins manage its members; members read their team.
 */
public final class TeamService {

    static final Map<String, ColumnType> FIELDS = Columns.budgeted().without("spend", "budget_reset_at")
            .add(ColumnType.TEXT, "team_alias", "budget_id").add(ColumnType.STRINGS, "models")
            .add(ColumnType.OBJECT, "metadata").add(ColumnType.BOOL, "blocked").build();
    static final Set<String> NOT_YET = Set.of("organization_id", "model_aliases", "tags",
            "team_member_permissions", "model_rpm_limit", "model_tpm_limit", "team_member_budget",
            "team_member_rpm_limit", "team_member_tpm_limit", "team_member_key_duration", "object_permission",
            "prompts", "router_settings", "secret_manager_settings", "allowed_vector_store_indexes",
            "allowed_passthrough_routes", "admins", "members", "logging", "model_max_budget", "spend");

    /** Member roles, as LiteLLM names them. */
    /** What a team's own admin may change of it. */
    static final Set<String> TEAM_ADMIN_FIELDS = Set.of("team_id", "team_alias", "metadata");
    static final Set<String> MEMBER_ROLES = Set.of("admin", "user");

    private final AdminTable teams;
    private final TeamMembers members;

    /**
     * @param database the database
     * @param json     the mapper for JSON columns
     * @param clock    the time
     */
    public TeamService(Database database, ObjectMapper json, Clock clock) {
        Map<String, ColumnType> columns = Columns.stored(FIELDS, "team_id");
        this.teams = new AdminTable(new Table(database, json, "sluice_teams", "team_id", columns), "team", "Team",
                "team_id", "list them with /team/list", clock);
        this.members = new TeamMembers(database, json);
    }

    /** @return the teams' table, for listeners and lookups */
    public AdminTable teams() {
        return teams;
    }

    /** @return the memberships */
    public TeamMembers members() {
        return members;
    }

    /** A member to add: who, in which role. */
    public record NewMember(Optional<String> userId, Optional<String> email, String role) {
    }

    /** Creates a team from a {@code /team/new} body's own fields; its members are returned for the caller to add. */
    public ObjectNode create(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "create teams");
        AdminBody fields = body(withGuardrails(body, null), Set.of("team_id", "members_with_roles"));
        String id = fields.text("team_id").filter(text -> !text.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        Map<String, Object> values = new LinkedHashMap<>(fields.values(FIELDS));
        values.put("team_id", id);
        return teams.create(id, values);
    }

    /** {@code /team/update}. */
    public ObjectNode update(ObjectNode body, Principal caller) {
        String id = teamId(body(body, Set.of("team_id", "guardrails")));
        AdminBody fields = body(withGuardrails(body, teams.get(id).path("metadata")), Set.of("team_id"));
        if (caller.role() != Role.PROXY_ADMIN) {
            // a team's own admins may rename it and change its metadata; its budget, limits and
            // models are the proxy admin's, or a team admin could raise its own budget
            if (!mayManageMembers(id, caller)) {
                throw Permissions.forbidden("Only a proxy admin or an admin of team " + id + " may change it.");
            }
            for (String field : (Iterable<String>) body::fieldNames) {
                if (!TEAM_ADMIN_FIELDS.contains(field)) {
                    throw Permissions.forbidden("A team admin may change " + TEAM_ADMIN_FIELDS + " of its team; '"
                            + field + "' is for a proxy admin to change.");
                }
            }
            if (body.path("metadata").isObject()) {
                // the team's guardrails are the proxy admin's: a team admin's metadata keeps them
                ObjectNode metadata = ((ObjectNode) body.get("metadata")).deepCopy();
                metadata.remove("guardrails");
                com.fasterxml.jackson.databind.JsonNode current = teams.get(id).path("metadata").path("guardrails");
                if (!current.isMissingNode()) {
                    metadata.set("guardrails", current);
                }
                ObjectNode copy = body.deepCopy();
                copy.set("metadata", metadata);
                fields = body(copy, Set.of("team_id"));
            }
        }
        return teams.update(id, fields.values(FIELDS));
    }

    /** {@code /team/block} and {@code /team/unblock}. */
    public ObjectNode setBlocked(ObjectNode body, boolean blocked, Principal caller) {
        Permissions.requireAdmin(caller, "block or unblock teams");
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("team_id"), Set.of());
        return teams.update(teamId(fields), Map.of("blocked", blocked));
    }

    /** @return the {@code team_id} of a body, which must name an existing team */
    public String teamId(AdminBody fields) {
        String id = fields.text("team_id").orElseThrow(() -> AdminBody.invalid("team_id", "is required"));
        teams.get(id);
        return id;
    }

    /**
     * Starts new budget windows for the teams whose reset time has passed; their members' spend
     * within the team starts again with them.
     *
     * @return the accounts reset: {@code team:<id>} and {@code member:<team/user>} of each member
     */
    public List<String> resetDueBudgets() {
        List<String> reset = new ArrayList<>(teams.resetDueBudgets(TeamMembers::resetSpend));
        for (String team : List.copyOf(reset)) {
            String teamId = team.substring("team:".length());
            for (ObjectNode member : members.ofTeam(teamId)) {
                String key = TeamMembers.key(teamId, member.path("user_id").asText());
                teams.announce("member", key);
                reset.add("member:" + key);
            }
        }
        return reset;
    }

    /** @return the members a body lists under {@code field} (one object or a list), checked */
    public static List<NewMember> newMembers(ObjectNode body, String field) {
        var value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(items::add);
        } else {
            items.add(value);
        }
        return items.stream().map(item -> {
            if (!(item instanceof ObjectNode member)) {
                throw AdminBody.invalid(field, "must hold members as {\"role\": \"admin\" or \"user\", \"user_id\": ...}");
            }
            AdminBody fields = new AdminBody(member).requireOnly(Set.of("role", "user_id", "user_email"), Set.of());
            String role = fields.text("role").orElse("user");
            if (!MEMBER_ROLES.contains(role)) {
                throw AdminBody.invalid(field + ".role", "must be \"admin\" or \"user\"");
            }
            if (fields.text("user_id").isEmpty() && fields.text("user_email").isEmpty()) {
                throw AdminBody.invalid(field, "members need a 'user_id' or a 'user_email'");
            }
            return new NewMember(fields.text("user_id"), fields.text("user_email"), role);
        }).toList();
    }

    /**
     * @return whether the caller may manage the team's members: an admin, or one of the team's
     *         own admins
     */
    public boolean mayManageMembers(String teamId, Principal caller) {
        if (caller.role() == dev.sluice.api.Role.PROXY_ADMIN) {
            return true;
        }
        return caller.userId().flatMap(user -> members.find(teamId, user))
                .map(member -> "admin".equals(member.path("role").asText())).orElse(false);
    }

    /** @return whether the caller may read the team: an admin or a member */
    public boolean mayRead(String teamId, Principal caller) {
        return Permissions.isAdmin(caller) || caller.userId().flatMap(user -> members.find(teamId, user)).isPresent()
                || caller.teamId().equals(Optional.of(teamId));
    }

    /** @return the team with its {@code members_with_roles}, as LiteLLM shows a team */
    public ObjectNode describe(ObjectNode team) {
        ArrayNode roles = team.putArray("members_with_roles");
        for (ObjectNode member : members.ofTeam(team.path("team_id").asText())) {
            ObjectNode entry = roles.addObject();
            entry.put("user_id", member.path("user_id").asText());
            entry.set("user_email", member.get("user_email"));
            entry.put("role", member.path("role").asText());
        }
        return team;
    }

    /**
     * LiteLLM's {@code guardrails} of a team, kept in its {@code metadata.guardrails}, where the
     * guardrail stage reads it for the team's keys.
     *
     * @param current the team's metadata now, for an update that changes only its guardrails
     */
    private static ObjectNode withGuardrails(ObjectNode body, com.fasterxml.jackson.databind.JsonNode current) {
        if (!body.has("guardrails")) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        com.fasterxml.jackson.databind.JsonNode guardrails = copy.remove("guardrails");
        ObjectNode metadata = copy.path("metadata").isObject() ? (ObjectNode) copy.get("metadata")
                : current != null && current.isObject() ? ((ObjectNode) current).deepCopy() : copy.objectNode();
        metadata.set("guardrails", guardrails);
        copy.set("metadata", metadata);
        return copy;
    }

    private static AdminBody body(ObjectNode body, Set<String> extra) {
        Set<String> known = new HashSet<>(FIELDS.keySet());
        known.addAll(extra);
        return new AdminBody(body).requireOnly(known, NOT_YET);
    }
}
