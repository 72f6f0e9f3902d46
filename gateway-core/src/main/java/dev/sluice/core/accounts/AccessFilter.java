package dev.sluice.core.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallContext;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import dev.sluice.core.keys.KeyRecord;
import dev.sluice.core.keys.CachedKeys;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.routing.Router;
import dev.sluice.core.teams.TeamMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The first admission stage: applies the key's model {@code aliases}, refuses a blocked team or
 * customer and a model the key, its team or its user may not use (as LiteLLM does, 401
 * {@code key_model_access_denied} / {@code team_model_access_denied}), and puts the call's
 * {@link Account}s (key, team and team member or user, customer) in the context for the budget and
 * rate-limit stages, with the test of which groups the caller may use for the router's fallbacks.
 * A name passes when it, or the group it stands for ({@code model_group_alias}, a wildcard
 * group), is allowed. Everything comes from caches: no database on the request path.
 */
public final class AccessFilter implements GatewayFilter {

    /** The alias of the caller's team, if it has one: for metrics. */
    public static final CallContext.Key<String> TEAM_ALIAS = new CallContext.Key<>("team-alias", String.class);

    /** The caller's team's {@code metadata}, when it has a team (its guardrails, for one). */
    public static final CallContext.Key<ObjectNode> TEAM_METADATA = new CallContext.Key<>("team-metadata",
            ObjectNode.class);

    /** The accounts the call is counted against, most specific first. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final CallContext.Key<List<Account>> ACCOUNTS = new CallContext.Key<>("accounts", (Class) List.class);

    private static final Set<String> ALL_MODELS = Set.of("*", "all-proxy-models");
    private static final String ALL_TEAM_MODELS = "all-team-models";

    private final CachedKeys keys;
    private final AccountDirectory directory;
    private final ModelCatalog catalog;

    /**
     * @param keys      the key lookups (cached)
     * @param directory the other accounts (cached)
     * @param catalog   the model groups, their aliases and {@code model_info.access_groups}
     */
    public AccessFilter(CachedKeys keys, AccountDirectory directory, ModelCatalog catalog) {
        this.keys = keys;
        this.directory = directory;
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "access";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.ADMIT;
    }

    @Override
    public int weight() {
        return 1000;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        CallContext context = chain.context();
        if (context.principal().isEmpty()) {
            throw GatewayException.unauthenticated("Authentication Error, no API key passed in.");
        }
        ModelRequest request = chain.request();
        List<Account> accounts = new ArrayList<>(3);
        Optional<KeyRecord> key = keys.callerKey(context);
        if (key.isPresent()) {
            request = admitKey(key.get(), request, accounts, context);
        } else {
            List<String> models = List.copyOf(context.principal().get().allowedModels());
            if (!mayUse(models, request.model(), List.of())) {
                throw denied("key", models, request.model());
            }
            context.attribute(Router.MODEL_ACCESS, name -> mayUse(models, name, List.of()));
        }
        Optional<String> customer = request.user();
        if (customer.isPresent()) {
            Optional<ObjectNode> row = directory.row("customer", customer.get());
            if (row.isPresent()) {
                if (row.get().path("blocked").asBoolean()) {
                    throw new GatewayException(ErrorKind.PERMISSION_DENIED, 403, "Customer (end user) '" + customer.get()
                            + "' is blocked. An admin can unblock it with /customer/unblock.", "user", null, null, null);
                }
                add(accounts, Account.of("customer:" + customer.get(), "customer '" + customer.get() + "'", row.get(),
                        "max_budget", directory.tierOf(row.get())));
            }
        }
        context.attribute(ACCOUNTS, List.copyOf(accounts));
        return chain.proceed(request);
    }

    private ModelRequest admitKey(KeyRecord key, ModelRequest request, List<Account> accounts, CallContext context) {
        String alias = key.aliases().get(request.model());
        ModelRequest resolved = alias == null ? request : request.withModel(alias);
        String model = resolved.model();
        KeyScope scope = scope(key, context);
        List<String> teamModels = scope.team().map(t -> strings(t.path("models"))).orElse(List.of());
        if (!mayUse(key.models(), model, teamModels)) {
            throw denied("key", key.models(), model);
        }
        Predicate<String> access = name -> mayUse(key.models(), name, teamModels);
        if (scope.team().isPresent()) {
            access = access.and(name -> mayUse(teamModels, name, List.of()));
            if (!mayUse(teamModels, model, List.of())) {
                throw new GatewayException(ErrorKind.AUTHENTICATION, "team_model_access_denied", 401, "team not allowed "
                        + "to access model. This team can only access models=" + new TreeSet<>(teamModels)
                        + ". Tried to access " + model, "model", null, null, null);
            }
        } else if (scope.user().isPresent()) {
            List<String> userModels = strings(scope.user().get().path("models"));
            if (!mayUse(userModels, model, List.of())) {
                throw denied("user", userModels, model);
            }
            access = access.and(name -> mayUse(userModels, name, List.of()));
        }
        accounts.addAll(scope.accounts());
        context.attribute(Router.MODEL_ACCESS, access);
        return resolved;
    }

    /**
     * The accounts a call made outside the model pipeline counts against (a pass-through call:
     * no model group to check), as for a model call: the key, its team and team member or its
     * user. A blocked team, or one that no longer exists, is refused.
     *
     * @return the accounts with a budget or limits; none for the master key
     */
    public List<Account> accountsOf(CallContext context) {
        if (context.principal().isEmpty()) {
            throw GatewayException.unauthenticated("Authentication Error, no API key passed in.");
        }
        return keys.callerKey(context).map(key -> scope(key, context).accounts()).orElse(List.of());
    }

    /** A key's team (refused if blocked or gone) or user, and the accounts it answers to. */
    private record KeyScope(Optional<ObjectNode> team, Optional<ObjectNode> user, List<Account> accounts) {
    }

    private KeyScope scope(KeyRecord key, CallContext context) {
        List<Account> accounts = new ArrayList<>(3);
        add(accounts, new Account("key:" + key.token(), "key " + key.keyName(), key.maxBudget(), key.spend(),
                new RateLimits(key.rpmLimit(), key.tpmLimit(), key.maxParallelRequests())));
        Optional<ObjectNode> team = key.teamId().map(id -> directory.row("team", id).orElseThrow(() ->
                GatewayException.unauthenticated("Authentication Error - the team of this key (" + id
                        + ") no longer exists. Ask an admin for a key of an existing team.")));
        if (team.isPresent()) {
            ObjectNode row = team.get();
            String teamId = key.teamId().get();
            if (row.path("blocked").asBoolean()) {
                throw GatewayException.unauthenticated("Authentication Error - team " + teamId + " is blocked. An admin "
                        + "can unblock it with /team/unblock.");
            }
            String name = row.path("team_alias").asText(teamId);
            if (row.path("team_alias").isTextual()) {
                context.attribute(TEAM_ALIAS, row.path("team_alias").asText());
            }
            if (row.path("metadata").isObject() && !row.path("metadata").isEmpty()) {
                context.attribute(TEAM_METADATA, (ObjectNode) row.get("metadata"));
            }
            add(accounts, Account.of("team:" + teamId, "team '" + name + "'", row, "max_budget", directory.tierOf(row)));
            if (key.userId().isPresent()) {
                String member = TeamMembers.key(teamId, key.userId().get());
                directory.row("member", member).ifPresent(m -> add(accounts, Account.of("member:" + member,
                        "member " + key.userId().get() + " of team '" + name + "'", m, "max_budget_in_team",
                        directory.tierOf(m))));
            }
            return new KeyScope(team, Optional.empty(), accounts);
        }
        // As LiteLLM: a team key answers to the team's budgets, a personal key to its user's.
        Optional<ObjectNode> user = key.userId().flatMap(id -> directory.row("user", id));
        user.ifPresent(row -> add(accounts, Account.of("user:" + key.userId().get(), "user " + key.userId().get(), row,
                "max_budget", directory.tierOf(row))));
        return new KeyScope(Optional.empty(), user, accounts);
    }

    /**
     * Whether a model list lets a model through: by its name or the name of the group it stands
     * for, by access group, or as all models.
     */
    private boolean mayUse(List<String> models, String model, List<String> teamModels) {
        if (models.isEmpty() || lists(models, model, teamModels)) {
            return true;
        }
        String group = catalog.resolve(model).map(ModelCatalog.ResolvedGroup::name).orElse(model);
        return !group.equals(model) && lists(models, group, teamModels);
    }

    private boolean lists(List<String> models, String model, List<String> teamModels) {
        for (String allowed : models) {
            if (allowed.equals(model) || ALL_MODELS.contains(allowed)
                    || catalog.accessGroups().getOrDefault(allowed, Set.of()).contains(model)
                    || (ALL_TEAM_MODELS.equals(allowed) && mayUse(teamModels, model, List.of()))) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<Account> accounts, Account account) {
        if (account.limited()) {
            accounts.add(account);
        }
    }

    private static GatewayException denied(String who, java.util.Collection<String> models, String model) {
        return new GatewayException(ErrorKind.AUTHENTICATION, who + "_model_access_denied", 401, who + " not allowed "
                + "to access model. This " + who + " can only access models=" + new TreeSet<>(models)
                + ". Tried to access " + model, "model", null, null, null);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
