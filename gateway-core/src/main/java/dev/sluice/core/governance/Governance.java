package dev.sluice.core.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.budget.BudgetTierService;
import dev.sluice.core.customers.CustomerService;
import dev.sluice.core.keys.KeyJson;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.teams.TeamMembers;
import dev.sluice.core.teams.TeamService;
import dev.sluice.core.users.UserService;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.time.Clock;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.accounts.AccountDirectory;
import dev.sluice.core.admin.AdminTable;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Table;

/**
 * The admin operations that span several kinds of thing: a user made with its teams and first
 * key, a team with its members, keys checked against their team, and deletions that take the keys
 * of a deleted user or team with them. Each single kind is its own service.
 */
public final class Governance {

    private final KeyService keys;
    private final TeamService teams;
    private final UserService users;
    private final CustomerService customers;
    private final BudgetTierService budgets;
    private final ObjectMapper json;
    private final Database database;

    /**
     * @param keys      the keys
     * @param teams     the teams
     * @param users     the internal users
     * @param customers the customers
     * @param budgets   the budget tiers
     * @param json      the mapper answers are built with
     * @param database  where they all are
     */
    public Governance(KeyService keys, TeamService teams, UserService users, CustomerService customers,
                      BudgetTierService budgets, ObjectMapper json, Database database) {
        this.database = database;
        this.keys = keys;
        this.teams = teams;
        this.users = users;
        this.customers = customers;
        this.budgets = budgets;
        this.json = json;
    }

    /**
     * Opens the governance services over one database.
     *
     * @param keys the key service (already wired to the key cache)
     */
    public static Governance open(KeyService keys, Database database, ObjectMapper json, Clock clock) {
        return new Governance(keys, new TeamService(database, json, clock), new UserService(database, json, clock),
                new CustomerService(database, json, clock), new BudgetTierService(database, json, clock), json, database);
    }

    /**
     * @return the directory calls read teams, users, members, customers and tiers through, told of
     *         every change made here
     */
    public AccountDirectory directory(Ticker ticker) {
        AccountDirectory directory = new AccountDirectory(database, Map.of(
                "team", teams.teams()::find,
                "user", users.users()::find,
                "member", teams.members()::find,
                "customer", customers.customers()::find,
                "budget", budgets.tiers()::find), ticker);
        for (AdminTable table : List.of(teams.teams(), users.users(), customers.customers(), budgets.tiers())) {
            table.onChange(directory::invalidate);
        }
        return directory;
    }

    /** Registers a listener told of every change to a team, user, member, customer or tier ({@code kind:id}). */
    public void onChange(java.util.function.Consumer<String> listener) {
        for (AdminTable table : List.of(teams.teams(), users.users(), customers.customers(), budgets.tiers())) {
            table.onChange(listener);
        }
    }

    /** @return what resets budget windows, kind by kind, each returning the accounts it reset */
    public List<Supplier<List<String>>> budgetWindows() {
        return List.of(
                () -> keys.resetDueBudgets().stream().map(token -> "key:" + token).toList(),
                teams::resetDueBudgets,
                () -> users.users().resetDueBudgets(Table.ResetHook.NONE),
                () -> customers.customers().resetDueBudgets(Table.ResetHook.NONE));
    }

    /** @return the keys */
    public KeyService keys() {
        return keys;
    }

    /** @return the teams */
    public TeamService teams() {
        return teams;
    }

    /** @return the users */
    public UserService users() {
        return users;
    }

    /** @return the customers */
    public CustomerService customers() {
        return customers;
    }

    /** @return the budget tiers */
    public BudgetTierService budgets() {
        return budgets;
    }

    /**
     * {@code /key/generate}: a key of a team must name an existing team whose models include the
     * key's, and only a proxy admin or the team's own admins may make keys for a team (as LiteLLM).
     */
    public KeyService.IssuedKey generateKey(ObjectNode body, Principal caller) {
        checkTeamOfKey(body, caller);
        return keys.generate(body, caller);
    }

    /** {@code /key/update}, with the same team checks as {@link #generateKey}. */
    public KeyRecord updateKey(ObjectNode body, Principal caller) {
        checkTeamOfKey(body, caller);
        return keys.update(body, caller);
    }

    /** {@code /user/update}; a changed {@code user_role} reaches the user's keys at once. */
    public ObjectNode updateUser(ObjectNode body, Principal caller) {
        ObjectNode user = users.update(body, caller);
        if (body.has("user_role")) {
            keys.refreshAllOf("user_id", user.path("user_id").asText());
        }
        return user;
    }

    /** {@code /user/new}: the user, its {@code teams}, and a first key unless {@code auto_create_key} is false. */
    public ObjectNode newUser(ObjectNode body, Principal caller) {
        List<String> teamIds = new AdminBody(body).strings("teams").orElse(List.of());
        boolean withKey = new AdminBody(body).bool("auto_create_key").orElse(true);
        teamIds.forEach(id -> teams.teams().get(id));
        ObjectNode user = users.create(body, caller);
        String userId = user.path("user_id").asText();
        for (String teamId : teamIds) {
            teams.members().put(teamId, userId, "user", Optional.empty());
            teams.teams().announce(teamId);
        }
        ObjectNode answer = user.deepCopy();
        ArrayNode teamList = answer.putArray("teams");
        teamIds.forEach(teamList::add);
        if (withKey) {
            ObjectNode keyBody = json.createObjectNode();
            keyBody.put("user_id", userId);
            keyBody.set("models", user.get("models"));
            KeyService.IssuedKey issued = keys.generate(keyBody, caller);
            answer.put("key", issued.key());
            answer.put("token", issued.record().token());
        } else {
            answer.putNull("key");
        }
        return answer;
    }

    /** {@code /user/info}: the user, its keys and its teams. */
    public ObjectNode userInfo(String userId, Principal caller) {
        ObjectNode user = users.visible(userId, caller);
        ObjectNode answer = json.createObjectNode();
        answer.put("user_id", userId);
        answer.set("user_info", user);
        ArrayNode keyList = answer.putArray("keys");
        keys.ownedBy("user_id", userId).forEach(key -> keyList.add(KeyJson.describe(key, json)));
        ArrayNode teamList = answer.putArray("teams");
        for (ObjectNode membership : teams.members().ofUser(userId)) {
            teams.teams().find(membership.path("team_id").asText()).map(teams::describe).ifPresent(teamList::add);
        }
        return answer;
    }

    /** {@code /user/delete}: the users, their keys and memberships. */
    public List<String> deleteUsers(ObjectNode body, Principal caller) {
        AdminBody fields = new AdminBody(body);
        List<ObjectNode> memberships = fields.strings("user_ids").orElse(List.of()).stream()
                .flatMap(id -> teams.members().ofUser(id).stream()).toList();
        List<String> deleted = users.delete(body, caller);
        deleted.forEach(id -> keys.deleteAllOf("user_id", id));
        memberships.forEach(member -> teams.teams().announce("member",
                TeamMembers.key(member.path("team_id").asText(), member.path("user_id").asText())));
        return deleted;
    }

    /** {@code /team/new}: the team and its {@code members_with_roles}. */
    public ObjectNode newTeam(ObjectNode body, Principal caller) {
        List<TeamService.NewMember> members = TeamService.newMembers(body, "members_with_roles");
        ObjectNode team = teams.create(body, caller);
        String teamId = team.path("team_id").asText();
        for (TeamService.NewMember member : members) {
            teams.members().put(teamId, users.ensure(member.userId(), member.email()), member.role(), Optional.empty());
        }
        return teams.describe(team);
    }

    /** {@code /team/info}: the team with its members, keys and memberships. */
    public ObjectNode teamInfo(String teamId, Principal caller) {
        ObjectNode team = teams.teams().get(teamId);
        if (!teams.mayRead(teamId, caller)) {
            throw teams.teams().notFound(teamId);
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("team_id", teamId);
        answer.set("team_info", teams.describe(team));
        ArrayNode keyList = answer.putArray("keys");
        keys.ownedBy("team_id", teamId).forEach(key -> keyList.add(KeyJson.describe(key, json)));
        ArrayNode memberships = answer.putArray("team_memberships");
        teams.members().ofTeam(teamId).forEach(memberships::add);
        return answer;
    }

    /** {@code /team/list}: every team for admins (or the teams of {@code user_id}); a user its own teams. */
    public List<ObjectNode> teamList(Optional<String> userId, Principal caller) {
        Optional<String> member = Permissions.isAdmin(caller) ? userId
                : Optional.of(caller.userId().orElseThrow(() ->
                        Permissions.forbidden("Only admins and internal users may list teams.")));
        List<ObjectNode> list = new ArrayList<>();
        if (member.isPresent()) {
            for (ObjectNode membership : teams.members().ofUser(member.get())) {
                teams.teams().find(membership.path("team_id").asText()).map(teams::describe).ifPresent(list::add);
            }
        } else {
            teams.teams().table().list(Map.of(), 0, 10_000).forEach(team -> list.add(teams.describe(team)));
        }
        return list;
    }

    /** {@code /team/delete}: the teams in {@code team_ids}, their keys and memberships. */
    public List<String> deleteTeams(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "delete teams");
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("team_ids"), Set.of());
        List<String> deleted = teams.teams().delete(fields.strings("team_ids")
                .orElseThrow(() -> AdminBody.invalid("team_ids", "is required")));
        deleted.forEach(id -> keys.deleteAllOf("team_id", id));
        return deleted;
    }

    /** {@code /team/member_add}: {@code member} (one or a list) with an optional {@code max_budget_in_team}. */
    public ObjectNode addMembers(ObjectNode body, Principal caller) {
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("team_id", "member", "max_budget_in_team"), Set.of());
        String teamId = teams.teamId(fields);
        requireMemberManager(teamId, caller);
        List<TeamService.NewMember> members = TeamService.newMembers(body, "member");
        if (members.isEmpty()) {
            throw AdminBody.invalid("member", "is required: {\"role\": \"user\", \"user_id\": ...}");
        }
        Optional<BigDecimal> budget = fields.amount("max_budget_in_team");
        ArrayNode updated = json.createArrayNode();
        for (TeamService.NewMember member : members) {
            String userId = users.ensure(member.userId(), member.email());
            teams.members().put(teamId, userId, member.role(), budget);
            teams.members().find(teamId, userId).ifPresent(updated::add);
            teams.teams().announce("member", TeamMembers.key(teamId, userId));
        }
        ObjectNode answer = teams.describe(teams.teams().get(teamId));
        answer.set("updated_team_memberships", updated);
        return answer;
    }

    /** {@code /team/member_update}: a member's {@code role} and {@code max_budget_in_team}. */
    public ObjectNode updateMember(ObjectNode body, Principal caller) {
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("team_id", "user_id", "user_email", "role",
                "max_budget_in_team"), Set.of());
        String teamId = teams.teamId(fields);
        requireMemberManager(teamId, caller);
        String userId = memberId(fields);
        ObjectNode current = teams.members().find(teamId, userId).orElseThrow(() ->
                Permissions.notFound("Team member", userId, "user_id", "see the members with /team/info"));
        String role = fields.text("role").orElse(current.path("role").asText());
        if (!Set.of("admin", "user").contains(role)) {
            throw AdminBody.invalid("role", "must be \"admin\" or \"user\"");
        }
        Optional<BigDecimal> budget = fields.has("max_budget_in_team") ? fields.amount("max_budget_in_team")
                : Optional.ofNullable(current.get("max_budget_in_team")).filter(v -> v.isNumber()).map(v -> v.decimalValue());
        teams.members().put(teamId, userId, role, budget);
        teams.teams().announce("member", TeamMembers.key(teamId, userId));
        return teams.members().find(teamId, userId).orElseThrow();
    }

    /** {@code /team/member_delete}: by {@code user_id} or {@code user_email}. */
    public ObjectNode removeMember(ObjectNode body, Principal caller) {
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("team_id", "user_id", "user_email"), Set.of());
        String teamId = teams.teamId(fields);
        requireMemberManager(teamId, caller);
        String userId = memberId(fields);
        if (!teams.members().remove(teamId, userId)) {
            throw Permissions.notFound("Team member", userId, "user_id", "see the members with /team/info");
        }
        teams.teams().announce("member", TeamMembers.key(teamId, userId));
        return teams.describe(teams.teams().get(teamId));
    }

    private String memberId(AdminBody fields) {
        Optional<String> userId = fields.text("user_id");
        if (userId.isPresent()) {
            return userId.get();
        }
        String email = fields.text("user_email").orElseThrow(() -> AdminBody.invalid("user_id", "or 'user_email' is required"));
        return users.idOfEmail(email).orElseThrow(() ->
                Permissions.notFound("User", email, "user_email", "list them with /user/list"));
    }

    private void requireMemberManager(String teamId, Principal caller) {
        if (!teams.mayManageMembers(teamId, caller)) {
            throw Permissions.forbidden("Only an admin (proxy_admin) or an admin of team " + teamId
                    + " may change its members.");
        }
    }

    private void checkTeamOfKey(ObjectNode body, Principal caller) {
        AdminBody fields = new AdminBody(body);
        if (!fields.has("team_id") || fields.text("team_id").isEmpty()) {
            return;
        }
        String teamId = fields.text("team_id").get();
        ObjectNode team = teams.teams().find(teamId).orElseThrow(() ->
                AdminBody.invalid("team_id", "names no team (" + teamId + "); create it with /team/new"));
        if (!teams.mayManageMembers(teamId, caller)) {
            throw Permissions.forbidden("Only a proxy admin or an admin of team " + teamId + " may make keys for it "
                    + "or move keys into it; ask one of the team's admins.");
        }
        List<String> teamModels = new ArrayList<>();
        team.path("models").forEach(model -> teamModels.add(model.asText()));
        if (!teamModels.isEmpty()) {
            for (String model : fields.strings("models").orElse(List.of())) {
                if (!teamModels.contains(model) && !"all-team-models".equals(model)) {
                    throw AdminBody.invalid("models", "may only name models of team " + teamId + " " + teamModels
                            + ": " + model + " is not one");
                }
            }
        }
    }
}
