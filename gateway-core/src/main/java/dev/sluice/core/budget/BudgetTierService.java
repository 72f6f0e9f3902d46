package dev.sluice.core.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.admin.AdminTable;
import dev.sluice.core.admin.Columns;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.store.ColumnType;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Table;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's reusable budget tiers ({@code /budget/*}): a named set of {@code max_budget},
 * {@code soft_budget}, rate limits and {@code budget_duration} that customers, users and teams
 * take by {@code budget_id} for whatever they do not set themselves. Admins only.
 */
public final class BudgetTierService {

    static final Map<String, ColumnType> FIELDS = Columns.budgeted().without("spend", "budget_reset_at").build();
    static final Set<String> NOT_YET = Set.of("model_max_budget", "budget_reset_at");

    private final AdminTable tiers;

    /**
     * @param database the database
     * @param json     the mapper for JSON columns
     * @param clock    the time
     */
    public BudgetTierService(Database database, ObjectMapper json, Clock clock) {
        Table table = new Table(database, json, "sluice_budgets", "budget_id",
                Columns.budgeted().without("spend").add(ColumnType.TEXT, "budget_id").build());
        this.tiers = new AdminTable(table, "budget", "Budget", "budget_id", "list them with /budget/list", clock);
    }

    /** @return the tiers' table, for listeners and lookups */
    public AdminTable tiers() {
        return tiers;
    }

    /** {@code /budget/new}. */
    public ObjectNode create(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "create budgets");
        AdminBody fields = body(body);
        String id = fields.text("budget_id").filter(text -> !text.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        Map<String, Object> values = new java.util.LinkedHashMap<>(fields.values(FIELDS));
        values.put("budget_id", id);
        return tiers.create(id, values);
    }

    /** {@code /budget/update}. */
    public ObjectNode update(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "change budgets");
        AdminBody fields = body(body);
        String id = fields.text("budget_id").orElseThrow(() -> AdminBody.invalid("budget_id", "is required"));
        return tiers.update(id, fields.values(FIELDS));
    }

    /** {@code /budget/delete}: by {@code id}. */
    public List<String> delete(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "delete budgets");
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("id"), Set.of());
        return tiers.delete(List.of(fields.text("id").orElseThrow(() -> AdminBody.invalid("id", "is required"))));
    }

    /** {@code /budget/info}: the tiers named in {@code budgets}. */
    public List<ObjectNode> info(ObjectNode body, Principal caller) {
        Permissions.requireAdminReader(caller, "budgets");
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("budgets"), Set.of());
        List<String> ids = fields.strings("budgets").orElseThrow(() -> AdminBody.invalid("budgets", "is required"));
        return ids.stream().map(tiers::get).toList();
    }

    /** {@code /budget/list}: every tier, oldest first. */
    public List<ObjectNode> list(Principal caller) {
        Permissions.requireAdminReader(caller, "budgets");
        return tiers.table().list(Map.of(), 0, 10_000);
    }

    private static AdminBody body(ObjectNode body) {
        Set<String> known = new java.util.HashSet<>(FIELDS.keySet());
        known.add("budget_id");
        return new AdminBody(body).requireOnly(known, NOT_YET);
    }
}
