package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.Gateway;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.keys.VirtualKeys;
import dev.sluice.core.spend.SpendQueries;
import dev.sluice.core.spend.SpendRecord;
import dev.sluice.core.spend.SpendReports;
import dev.sluice.core.spend.SpendSummary;
import io.helidon.webserver.http.ServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spend read back: {@code GET /spend/logs} (rows, paginated), {@code GET /global/spend/report}
 * (daily totals grouped by team, customer, key or model) and {@code GET /user/daily/activity}
 * (daily totals with a breakdown by model, provider and key), with LiteLLM's parameters and
 * shapes. Every query has a window: the given dates (at most 31 days for logs, 366 for reports),
 * else the last day of logs or 30 days of totals. {@code GET /spend/summary} is Sluice's own: daily
 * totals and top spenders, summed in the database. Admins see everything; others their own user's
 * spend, or their key's.
 */
final class SpendRoutes {

    private static final Duration MAX_LOG_WINDOW = Duration.ofDays(31);
    private static final Duration MAX_REPORT_WINDOW = Duration.ofDays(366);

    private final SpendQueries queries;
    private final SpendReports reports;
    private final SpendSummary summaries;
    private final SpendReportJson shapes;

    SpendRoutes(Gateway gateway) {
        this.queries = new SpendQueries(gateway.database());
        this.reports = new SpendReports(gateway.database());
        this.summaries = new SpendSummary(gateway.database());
        this.shapes = new SpendReportJson(gateway.json());
    }

    void register(AdminEndpoints endpoints) {
        endpoints.get("/spend/logs", this::logs)
                .get("/global/spend/report", this::report)
                .get("/user/daily/activity", this::dailyActivity)
                .get("/spend/summary", this::summary);
    }

    private ArrayNode logs(Principal caller, ServerRequest req) {
        Map<String, String> filters = scoped(caller, filters(req, "api_key", "user_id", "team_id", "end_user"));
        AdminEndpoints.param(req, "request_id").ifPresent(id -> filters.put("request_id", id));
        // Sluice's own filters, for the admin UI's log view: the model group asked for, success or failure.
        AdminEndpoints.param(req, "model").ifPresent(model -> filters.put("model_group", model));
        AdminEndpoints.param(req, "status").ifPresent(status -> filters.put("status", status));
        Instant[] window = window(req, Duration.ofDays(1), MAX_LOG_WINDOW);
        int page = AdminEndpoints.number(req, "page", 1);
        int size = AdminEndpoints.number(req, "page_size", 50);
        if (page < 1 || size < 1 || size > 1000) {
            throw GatewayException.badRequest("'page' must be 1 or more and 'page_size' between 1 and 1000.", "page_size");
        }
        ArrayNode rows = shapes.json().createArrayNode();
        for (SpendRecord record : queries.logs(filters, window[0], window[1], page, size)) {
            rows.add(shapes.logRow(record));
        }
        return rows;
    }

    private ArrayNode report(Principal caller, ServerRequest req) {
        Map<String, String> filters = filters(req, "api_key", "internal_user_id", "team_id", "customer_id");
        rename(filters, "internal_user_id", "user_id");
        rename(filters, "customer_id", "end_user");
        scoped(caller, filters);
        Instant[] window = window(req, Duration.ofDays(30), MAX_REPORT_WINDOW);
        String groupBy = AdminEndpoints.param(req, "group_by").orElse("team");
        boolean byKey = "api_key".equals(groupBy) || filters.containsKey("api_key") || filters.containsKey("user_id");
        return switch (byKey ? "api_key" : groupBy) {
            case "api_key" -> shapes.byKey(reports.totals("user_id", filters, window[0], window[1]));
            case "team" -> shapes.byDay(reports.totals("team_id", filters, window[0], window[1]), "teams", "team_name",
                    reports.teamAliases(), "Unassigned Team");
            case "customer" -> shapes.byDay(reports.totals("end_user", filters, window[0], window[1]), "customers",
                    "customer", Map.of(), null);
            case "model" -> shapes.byDay(reports.totals("model_group", filters, window[0], window[1]), "models",
                    "model_group", Map.of(), null);
            default -> throw GatewayException.badRequest("'group_by' must be team, customer, api_key or model.",
                    "group_by");
        };
    }

    private ObjectNode dailyActivity(Principal caller, ServerRequest req) {
        Map<String, String> filters = new LinkedHashMap<>();
        Optional<String> user = AdminEndpoints.param(req, "user_id");
        if (Permissions.isAdmin(caller)) {
            user.ifPresent(id -> filters.put("user_id", id));
        } else {
            scoped(caller, filters);
        }
        AdminEndpoints.param(req, "api_key").ifPresent(key -> filters.put("api_key", token(key)));
        Instant[] window = window(req, Duration.ofDays(30), MAX_REPORT_WINDOW);
        return shapes.dailyActivity(reports.totals("model_group", filters, window[0], window[1]));
    }

    /**
     * Sluice's own, for the admin UI: totals per day and the top spenders by {@code group_by}
     * (model, provider, api_key, team, customer, user), summed in the database, so the answer
     * stays small however many keys there are.
     */
    private ObjectNode summary(Principal caller, ServerRequest req) {
        Map<String, String> filters = scoped(caller, filters(req, "api_key", "user_id", "team_id", "end_user"));
        Instant[] window = window(req, Duration.ofDays(30), MAX_REPORT_WINDOW);
        String groupBy = AdminEndpoints.param(req, "group_by").orElse("model");
        int limit = AdminEndpoints.number(req, "limit", 20);
        if (limit < 1 || limit > 500) {
            throw GatewayException.badRequest("'limit' must be between 1 and 500.", "limit");
        }
        String column = switch (groupBy) {
            case "model" -> "model_group";
            case "provider" -> "model";
            case "api_key" -> "api_key";
            case "team" -> "team_id";
            case "customer" -> "end_user";
            case "user" -> "user_id";
            default -> throw GatewayException.badRequest("'group_by' must be model, provider, api_key, team, customer "
                    + "or user.", "group_by");
        };
        List<SpendSummary.Group> top = summaries.top(column, filters, window[0], window[1],
                groupBy.equals("provider") ? 10_000 : limit);
        if (groupBy.equals("provider")) {
            top = SpendReportJson.byProvider(top, limit);
        } else if (groupBy.equals("team")) {
            Map<String, String> aliases = reports.teamAliases();
            top = top.stream().map(group -> new SpendSummary.Group(group.group(),
                    aliases.getOrDefault(group.group(), group.group()), group.spend(), group.tokens(), group.requests()))
                    .toList();
        }
        return shapes.summary(summaries.perDay(filters, window[0], window[1]), groupBy, top);
    }

    /** Non-admins see their user's spend, or, for a key of no user, that key's. */
    private static Map<String, String> scoped(Principal caller, Map<String, String> filters) {
        if (!Permissions.isAdmin(caller)) {
            if (caller.userId().isPresent()) {
                filters.put("user_id", caller.userId().get());
            } else {
                filters.put("api_key", caller.subject());
            }
        }
        return filters;
    }

    private static Map<String, String> filters(ServerRequest req, String... names) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : names) {
            AdminEndpoints.param(req, name).ifPresent(value -> filters.put(name, "api_key".equals(name) ? token(value) : value));
        }
        return filters;
    }

    private static void rename(Map<String, String> filters, String from, String to) {
        String value = filters.remove(from);
        if (value != null) {
            filters.put(to, value);
        }
    }

    private static String token(String key) {
        return key.startsWith("sk-") ? VirtualKeys.token(key) : key;
    }

    /** @return the window the dates name (whole UTC days, end date included), else the default before now */
    private static Instant[] window(ServerRequest req, Duration fallback, Duration max) {
        Instant to = AdminEndpoints.param(req, "end_date").map(date -> day(date, "end_date").plus(Duration.ofDays(1)))
                .orElseGet(Instant::now);
        Instant from = AdminEndpoints.param(req, "start_date").map(date -> day(date, "start_date"))
                .orElse(to.minus(fallback));
        if (!from.isBefore(to) || Duration.between(from, to).compareTo(max) > 0) {
            throw GatewayException.badRequest("'start_date' must come before 'end_date', at most " + max.toDays()
                    + " days apart.", "start_date");
        }
        return new Instant[] {from, to};
    }

    private static Instant day(String text, String field) {
        try {
            return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("'" + field + "' must be a date as YYYY-MM-DD.", field);
        }
    }
}
