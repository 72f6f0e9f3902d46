package dev.sluice.core.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.core.config.AlertingSettings;
import dev.sluice.core.spend.SpendWatch;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * LiteLLM's {@code failed_tracking_spend} alert (a spend record the database refused, moved to the
 * dead-letter file) and its budget alerts, raised from the spend writer's additions: {@code soft_budget_crossed}
 * when a key's, team's or user's spend reaches its {@code soft_budget}, {@code threshold_crossed}
 * when 85 % and again when 95 % of its {@code max_budget} is used, and {@code budget_crossed} when
 * it is all used. A threshold is crossed by exactly one batch of exactly one replica (see
 * {@link SpendWatch}), and the alert is claimed once per party, event and budget period across
 * replicas besides.
 */
public final class SpendAlerts implements SpendWatch {

    private static final List<BigDecimal> THRESHOLDS = List.of(new BigDecimal("0.85"), new BigDecimal("0.95"));

    /** How each account table is read: its id column, LiteLLM's event group, and the columns the event names. */
    private record Table(String name, String idColumn, String group, String label, String extraColumns,
                         boolean softBudget) {
    }

    private static final Map<String, Table> TABLES = Map.of(
            "sluice_keys", new Table("sluice_keys", "token", "key", "Key", "a.key_alias, a.user_id, a.team_id", true),
            "sluice_teams", new Table("sluice_teams", "team_id", "team", "Team",
                    "null as key_alias, null as user_id, a.team_id", true),
            "sluice_users", new Table("sluice_users", "user_id", "internal_user", "User",
                    "null as key_alias, a.user_id, null as team_id", true),
            "sluice_customers", new Table("sluice_customers", "end_user_id", "customer", "Customer",
                    "null as key_alias, null as user_id, null as team_id", false));

    private final Alerts alerts;
    private final ObjectMapper json;

    /** @param alerts where the alerts go */
    public SpendAlerts(Alerts alerts, ObjectMapper json) {
        this.alerts = alerts;
        this.json = json;
    }

    @Override
    public void added(Handle handle, String tableName, Map<List<String>, BigDecimal> added) {
        Table table = TABLES.get(tableName);
        if (table == null || added.isEmpty() || !alerts.raises(AlertingSettings.BUDGET_ALERTS)) {
            return;
        }
        List<String> ids = new ArrayList<>();
        added.keySet().forEach(id -> ids.add(id.get(0)));
        String soft = table.softBudget() ? "coalesce(a.soft_budget, b.soft_budget)" : "b.soft_budget";
        List<Totals> rows = handle.createQuery("select a." + table.idColumn() + " as id, a.spend, "
                        + "coalesce(a.max_budget, b.max_budget) as max_budget, " + soft + " as soft_budget, "
                        + "a.budget_reset_at, " + table.extraColumns() + " from " + table.name() + " a "
                        + "left join sluice_budgets b on b.budget_id = a.budget_id where a." + table.idColumn()
                        + " in (<ids>)")
                .bindList("ids", ids).map((rs, ctx) -> totals(rs)).list();
        for (Totals row : rows) {
            BigDecimal after = row.spend();
            BigDecimal before = after.subtract(added.get(List.of(row.id())));
            row.softBudget().filter(limit -> crossed(before, after, limit)).ifPresent(limit ->
                    raise(table, row, "soft_budget_crossed", "Soft Budget Crossed", limit, ""));
            row.maxBudget().ifPresent(max -> {
                for (BigDecimal share : THRESHOLDS) {
                    BigDecimal threshold = max.multiply(share);
                    if (crossed(before, after, threshold) && after.compareTo(max) < 0) {
                        raise(table, row, "threshold_crossed", share.movePointRight(2).stripTrailingZeros()
                                .toPlainString() + "% Threshold Crossed", threshold, ":" + share.toPlainString());
                    }
                }
                if (crossed(before, after, max)) {
                    raise(table, row, "budget_crossed", "Budget Crossed", max, "");
                }
            });
        }
    }

    @Override
    public void quarantined(String requestId, String reason) {
        String message = "Spend of call " + requestId + " could not be recorded: the database refused it (" + reason
                + "). It is in the spend journal's dead-letter file; replay it once the cause is fixed.";
        ObjectNode event = json.createObjectNode().put("event", "failed_tracking_spend").put("event_group", "proxy")
                .put("event_message", message);
        alerts.raise(new Alert("failed_tracking_spend", "High", message, event), requestId, java.time.Duration.ofDays(1));
    }

    private static boolean crossed(BigDecimal before, BigDecimal after, BigDecimal threshold) {
        return threshold.signum() > 0 && before.compareTo(threshold) < 0 && after.compareTo(threshold) >= 0;
    }

    private void raise(Table table, Totals row, String event, String what, BigDecimal threshold, String variant) {
        String message = table.label() + " Budget: " + what;
        ObjectNode payload = json.createObjectNode()
                .put("spend", row.spend())
                .put("max_budget", row.maxBudget().orElse(null))
                .put("soft_budget", row.softBudget().orElse(null))
                .put("token", table.group().equals("key") ? row.id() : null)
                .put("customer_id", table.group().equals("customer") ? row.id() : null)
                .put("internal_user_id", row.userId())
                .put("user_id", row.userId())
                .put("team_id", row.teamId())
                .putNull("user_email")
                .put("key_alias", row.keyAlias().orElse(null))
                .putNull("projected_exceeded_date")
                .putNull("projected_spend")
                .put("event", event)
                .put("event_group", table.group())
                .put("event_message", message);
        String party = table.group().equals("key") ? "key " + row.keyAlias().orElseGet(() -> shortHash(row.id()))
                : table.group().replace('_', ' ') + " " + row.id();
        Alert alert = new Alert(AlertingSettings.BUDGET_ALERTS, event.equals("budget_crossed") ? "High" : "Medium",
                message + " for " + party + ": spend " + plain(row.spend()) + " USD reached " + plain(threshold)
                        + " USD" + row.maxBudget().map(max -> " (max_budget " + plain(max) + " USD)").orElse(""),
                payload);
        alerts.raise(alert, table.group() + ":" + row.id() + ":" + event + variant + ":"
                + row.budgetResetAt().orElse("-"), alerts.budgetAlertTtl());
    }

    private static String shortHash(String token) {
        return "..." + token.substring(Math.max(0, token.length() - 6));
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private record Totals(String id, BigDecimal spend, Optional<BigDecimal> maxBudget, Optional<BigDecimal> softBudget,
                          Optional<String> budgetResetAt, Optional<String> keyAlias, String userId, String teamId) {
    }

    private static Totals totals(ResultSet rs) throws SQLException {
        return new Totals(rs.getString("id"), rs.getBigDecimal("spend"),
                Optional.ofNullable(rs.getBigDecimal("max_budget")), Optional.ofNullable(rs.getBigDecimal("soft_budget")),
                Optional.ofNullable(rs.getString("budget_reset_at")), Optional.ofNullable(rs.getString("key_alias")),
                rs.getString("user_id"), rs.getString("team_id"));
    }
}
