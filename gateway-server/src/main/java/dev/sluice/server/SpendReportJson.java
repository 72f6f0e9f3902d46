package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.spend.SpendRecord;
import dev.sluice.core.spend.SpendReports;
import dev.sluice.core.spend.SpendSummary;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Spend logs and reports in LiteLLM's JSON shapes. */
final class SpendReportJson {

    private final ObjectMapper json;

    SpendReportJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectMapper json() {
        return json;
    }

    /** A row of {@code /spend/logs}. */
    ObjectNode logRow(SpendRecord record) {
        ObjectNode row = json.createObjectNode();
        row.put("request_id", record.requestId());
        row.put("call_type", record.callType());
        row.put("api_key", record.keyToken());
        row.put("spend", record.spend());
        row.put("total_tokens", record.promptTokens() + record.completionTokens());
        row.put("prompt_tokens", record.promptTokens());
        row.put("completion_tokens", record.completionTokens());
        row.put("cached_tokens", record.cachedTokens());
        row.put("startTime", record.startTime().toString());
        row.put("endTime", record.endTime().toString());
        row.put("model", record.model());
        row.put("model_group", record.modelGroup());
        row.put("model_id", record.modelId());
        row.put("api_base", record.apiBase());
        row.put("user", record.userId());
        row.put("team_id", record.teamId());
        row.put("end_user", record.endUser());
        row.put("cache_hit", Boolean.toString(record.cacheHit()));
        row.put("status", record.status());
        row.putObject("metadata").put("user_api_key_alias", record.keyAlias());
        return row;
    }

    /**
     * {@code /global/spend/report} by day and group: {@code [{"group_by_day", <list>: [{<name>,
     * "total_spend", "metadata": [{"model", "spend", "total_tokens", "api_key"}]}]}]}.
     *
     * @param names   display names of group values (team aliases); others shown as they are
     * @param missing the name of calls without a group value
     */
    ArrayNode byDay(List<SpendReports.Line> lines, String list, String nameField, Map<String, String> names,
                    String missing) {
        Map<LocalDate, Map<String, List<SpendReports.Line>>> days = new LinkedHashMap<>();
        for (SpendReports.Line line : lines) {
            days.computeIfAbsent(line.day(), day -> new LinkedHashMap<>())
                    .computeIfAbsent(Objects.requireNonNullElse(line.group(), ""), group -> new java.util.ArrayList<>())
                    .add(line);
        }
        ArrayNode report = json.createArrayNode();
        days.forEach((day, groups) -> {
            ObjectNode entry = report.addObject();
            entry.put("group_by_day", day.atStartOfDay().atOffset(ZoneOffset.UTC).toString());
            ArrayNode items = entry.putArray(list);
            groups.forEach((group, groupLines) -> {
                ObjectNode item = items.addObject();
                item.put(nameField, group.isEmpty() ? missing : names.getOrDefault(group, group));
                BigDecimal total = BigDecimal.ZERO;
                Map<String, ObjectNode> byModelAndKey = new LinkedHashMap<>();
                for (SpendReports.Line line : groupLines) {
                    total = total.add(line.spend());
                    ObjectNode detail = byModelAndKey.computeIfAbsent(line.model() + "\u0000" + line.apiKey(), k -> {
                        ObjectNode node = json.createObjectNode();
                        node.put("model", line.model());
                        node.put("spend", BigDecimal.ZERO);
                        node.put("total_tokens", 0L);
                        node.put("api_key", line.apiKey());
                        return node;
                    });
                    detail.put("spend", detail.get("spend").decimalValue().add(line.spend()));
                    detail.put("total_tokens", detail.get("total_tokens").asLong() + line.totalTokens());
                }
                item.put("total_spend", total);
                item.putArray("metadata").addAll(byModelAndKey.values());
            });
        });
        return report;
    }

    /**
     * {@code /global/spend/report} per key: {@code [{"api_key", "total_cost", "total_input_tokens",
     * "total_output_tokens", "model_details": [{"model", "total_cost", ...}]}]}.
     */
    ArrayNode byKey(List<SpendReports.Line> lines) {
        Map<String, ObjectNode> keys = new LinkedHashMap<>();
        Map<String, Map<String, ObjectNode>> models = new LinkedHashMap<>();
        for (SpendReports.Line line : lines) {
            String key = Objects.requireNonNullElse(line.apiKey(), "");
            ObjectNode entry = keys.computeIfAbsent(key, k -> {
                ObjectNode node = totals(json.createObjectNode());
                node.put("api_key", line.apiKey());
                return node;
            });
            add(entry, line);
            ObjectNode model = models.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(line.model(),
                    m -> totals(json.createObjectNode().put("model", line.model())));
            add(model, line);
        }
        ArrayNode report = json.createArrayNode();
        keys.forEach((key, entry) -> {
            entry.putArray("model_details").addAll(models.get(key).values());
            report.add(entry);
        });
        return report;
    }

    /** {@code /user/daily/activity}: per day, metrics and a breakdown by model, provider and key. */
    ObjectNode dailyActivity(List<SpendReports.Line> lines) {
        Map<LocalDate, ObjectNode> days = new LinkedHashMap<>();
        ObjectNode total = metrics();
        for (SpendReports.Line line : lines) {
            ObjectNode day = days.computeIfAbsent(line.day(), d -> {
                ObjectNode node = json.createObjectNode();
                node.put("date", d.toString());
                node.set("metrics", metrics());
                ObjectNode breakdown = node.putObject("breakdown");
                breakdown.putObject("models");
                breakdown.putObject("providers");
                breakdown.putObject("api_keys");
                return node;
            });
            count((ObjectNode) day.get("metrics"), line);
            count(total, line);
            ObjectNode breakdown = (ObjectNode) day.get("breakdown");
            count(entry((ObjectNode) breakdown.get("models"), Objects.requireNonNullElse(line.model(), "unknown")), line);
            count(entry((ObjectNode) breakdown.get("providers"), provider(line.model())), line);
            count(entry((ObjectNode) breakdown.get("api_keys"), Objects.requireNonNullElse(line.apiKey(), "")), line);
        }
        ObjectNode answer = json.createObjectNode();
        answer.putArray("results").addAll(days.values());
        ObjectNode metadata = answer.putObject("metadata");
        metadata.set("total_spend", total.get("spend"));
        metadata.set("total_prompt_tokens", total.get("prompt_tokens"));
        metadata.set("total_completion_tokens", total.get("completion_tokens"));
        metadata.set("total_tokens", total.get("total_tokens"));
        metadata.set("total_api_requests", total.get("api_requests"));
        metadata.set("total_successful_requests", total.get("successful_requests"));
        metadata.set("total_failed_requests", total.get("failed_requests"));
        metadata.put("page", 1);
        metadata.put("total_pages", 1);
        metadata.put("has_more", false);
        return answer;
    }

    private ObjectNode entry(ObjectNode map, String name) {
        ObjectNode entry = (ObjectNode) map.get(name);
        if (entry == null) {
            entry = map.putObject(name);
            entry.setAll(metrics());
        }
        return entry;
    }

    private ObjectNode metrics() {
        ObjectNode metrics = json.createObjectNode();
        metrics.put("spend", BigDecimal.ZERO);
        for (String field : List.of("prompt_tokens", "completion_tokens", "total_tokens", "api_requests",
                "successful_requests", "failed_requests")) {
            metrics.put(field, 0L);
        }
        return metrics;
    }

    private static void count(ObjectNode metrics, SpendReports.Line line) {
        metrics.put("spend", metrics.get("spend").decimalValue().add(line.spend()));
        increase(metrics, "prompt_tokens", line.promptTokens());
        increase(metrics, "completion_tokens", line.completionTokens());
        increase(metrics, "total_tokens", line.totalTokens());
        increase(metrics, "api_requests", line.requests());
        increase(metrics, "success".equals(line.status()) ? "successful_requests" : "failed_requests", line.requests());
    }

    private static ObjectNode totals(ObjectNode node) {
        node.put("total_cost", BigDecimal.ZERO);
        node.put("total_input_tokens", 0L);
        node.put("total_output_tokens", 0L);
        return node;
    }

    private static void add(ObjectNode node, SpendReports.Line line) {
        node.put("total_cost", node.get("total_cost").decimalValue().add(line.spend()));
        increase(node, "total_input_tokens", line.promptTokens());
        increase(node, "total_output_tokens", line.completionTokens());
    }

    private static void increase(ObjectNode node, String field, long by) {
        node.put(field, node.get(field).asLong() + by);
    }

    private static String provider(String model) {
        if (model == null) {
            return "unknown";
        }
        int slash = model.indexOf('/');
        return slash > 0 ? model.substring(0, slash) : "openai";
    }

    /** Groups of upstream models folded into their providers, the biggest spenders first. */
    static List<SpendSummary.Group> byProvider(List<SpendSummary.Group> models, int limit) {
        Map<String, SpendSummary.Group> providers = new LinkedHashMap<>();
        for (SpendSummary.Group model : models) {
            providers.merge(provider(model.group()), new SpendSummary.Group(provider(model.group()),
                    provider(model.group()), model.spend(), model.tokens(), model.requests()),
                    (a, b) -> new SpendSummary.Group(a.group(), a.name(), a.spend().add(b.spend()),
                            a.tokens() + b.tokens(), a.requests() + b.requests()));
        }
        return providers.values().stream().sorted(java.util.Comparator.comparing(SpendSummary.Group::spend).reversed())
                .limit(limit).toList();
    }

    /** {@code /spend/summary}: {@code {"totals", "days": [...], "group_by", "top": [...]}}. */
    ObjectNode summary(List<SpendSummary.Day> days, String groupBy, List<SpendSummary.Group> top) {
        ObjectNode answer = json.createObjectNode();
        ObjectNode totals = answer.putObject("totals");
        BigDecimal spend = BigDecimal.ZERO;
        long tokens = 0;
        long requests = 0;
        long failed = 0;
        ArrayNode dayList = answer.putArray("days");
        for (SpendSummary.Day day : days) {
            dayList.addObject().put("date", day.day().toString()).put("spend", day.spend())
                    .put("total_tokens", day.tokens()).put("api_requests", day.requests())
                    .put("failed_requests", day.failed());
            spend = spend.add(day.spend());
            tokens += day.tokens();
            requests += day.requests();
            failed += day.failed();
        }
        totals.put("spend", spend).put("total_tokens", tokens).put("api_requests", requests)
                .put("failed_requests", failed);
        answer.put("group_by", groupBy);
        ArrayNode topList = answer.putArray("top");
        for (SpendSummary.Group group : top) {
            topList.addObject().put("group", group.group()).put("name", group.name() == null ? group.group() : group.name())
                    .put("spend", group.spend()).put("total_tokens", group.tokens()).put("api_requests", group.requests());
        }
        return answer;
    }
}
