package dev.sluice.core.customers;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's customers, or end users ({@code /customer/*}): the people a caller serves, named by the
 * request's {@code user} field, with a budget, rate limits and a block switch of their own. The
 * API calls a customer's id {@code user_id}; it is stored as {@code end_user_id}. Admins only.
 */
public final class CustomerService {

    static final Map<String, ColumnType> FIELDS = Columns.budgeted().without("spend", "budget_reset_at", "soft_budget")
            .add(ColumnType.TEXT, "alias", "default_model", "budget_id").add(ColumnType.OBJECT, "metadata")
            .add(ColumnType.BOOL, "blocked").build();
    static final Set<String> NOT_YET = Set.of("allowed_model_region", "object_permission", "spend",
            "model_max_budget", "soft_budget");

    private final AdminTable customers;

    /**
     * @param database the database
     * @param json     the mapper for JSON columns
     * @param clock    the time
     */
    public CustomerService(Database database, ObjectMapper json, Clock clock) {
        Map<String, ColumnType> columns = Columns.stored(FIELDS, "end_user_id");
        this.customers = new AdminTable(new Table(database, json, "sluice_customers", "end_user_id", columns),
                "customer", "Customer", "user_id", "list them with /customer/list", clock);
    }

    /** @return the customers' table, for listeners and lookups */
    public AdminTable customers() {
        return customers;
    }

    /** {@code /customer/new}. */
    public ObjectNode create(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "create customers");
        AdminBody fields = body(body);
        String id = userId(fields);
        Map<String, Object> values = new LinkedHashMap<>(fields.values(FIELDS));
        values.put("end_user_id", id);
        return describe(customers.create(id, values));
    }

    /** {@code /customer/update}. */
    public ObjectNode update(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "change customers");
        AdminBody fields = body(body);
        return describe(customers.update(userId(fields), fields.values(FIELDS)));
    }

    /** {@code /customer/info}. */
    public ObjectNode info(String endUserId, Principal caller) {
        Permissions.requireAdminReader(caller, "customers");
        return describe(customers.get(endUserId));
    }

    /** {@code /customer/list}: every customer, oldest first, up to 10,000. */
    public List<ObjectNode> list(Principal caller) {
        Permissions.requireAdminReader(caller, "customers");
        return customers.table().list(Map.of(), 0, 10_000).stream().map(CustomerService::describe).toList();
    }

    /** {@code /customer/delete}: the customers in {@code user_ids}. */
    public List<String> delete(ObjectNode body, Principal caller) {
        Permissions.requireAdmin(caller, "delete customers");
        return customers.delete(userIds(body));
    }

    /**
     * {@code /customer/block} and {@code /customer/unblock}: customers not known yet are created,
     * so an end user can be blocked before its first call.
     */
    public List<ObjectNode> setBlocked(ObjectNode body, boolean blocked, Principal caller) {
        Permissions.requireAdmin(caller, "block or unblock customers");
        List<ObjectNode> changed = new ArrayList<>();
        for (String id : userIds(body)) {
            ObjectNode row = customers.find(id).isPresent() ? customers.update(id, Map.of("blocked", blocked))
                    : customers.create(id, Map.of("end_user_id", id, "blocked", blocked));
            changed.add(describe(row));
        }
        return changed;
    }

    /** A customer as LiteLLM shows one: {@code user_id}, and its limits also under {@code litellm_budget_table}. */
    static ObjectNode describe(ObjectNode row) {
        ObjectNode customer = row.deepCopy();
        customer.set("user_id", customer.remove("end_user_id"));
        ObjectNode budget = customer.putObject("litellm_budget_table");
        for (String field : List.of("max_budget", "tpm_limit", "rpm_limit", "max_parallel_requests", "budget_duration",
                "budget_reset_at", "budget_id")) {
            budget.set(field, row.get(field));
        }
        customer.putNull("allowed_model_region");
        return customer;
    }

    private static String userId(AdminBody fields) {
        return fields.text("user_id").filter(id -> !id.isBlank())
                .orElseThrow(() -> AdminBody.invalid("user_id", "is required: the end user's id, as calls pass it in 'user'"));
    }

    private static List<String> userIds(ObjectNode body) {
        AdminBody fields = new AdminBody(body).requireOnly(Set.of("user_ids"), Set.of());
        return fields.strings("user_ids").orElseThrow(() -> AdminBody.invalid("user_ids", "is required"));
    }

    private static AdminBody body(ObjectNode body) {
        Set<String> known = new HashSet<>(FIELDS.keySet());
        known.add("user_id");
        return new AdminBody(body).requireOnly(known, NOT_YET);
    }
}
