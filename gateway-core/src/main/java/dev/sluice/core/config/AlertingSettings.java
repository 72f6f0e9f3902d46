package dev.sluice.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * LiteLLM's alerting settings ({@code general_settings}).
 *
 * @param channels       {@code alerting}: the channels alerts go to, e.g. {@code slack}, {@code webhook}
 * @param alertTypes     {@code alert_types}: the alerts raised (default: every type the gateway raises)
 * @param urlsByType     {@code alert_to_webhook_url}: Slack URLs by alert type, in place of {@code SLACK_WEBHOOK_URL}
 * @param budgetAlertTtl {@code alerting_args.budget_alert_ttl}: how long a budget alert is not sent again
 *                       for the same party and event within one budget period
 * @param threshold      {@code alerting_threshold}: a call slower than this is too slow, one silent this long hangs
 * @param outage         {@code alerting_args}' outage window and thresholds
 * @param reports        how often reports go out
 */
public record AlertingSettings(List<String> channels, Set<String> alertTypes, Map<String, List<String>> urlsByType,
                               Duration budgetAlertTtl, Duration threshold, Outage outage, Reports reports) {

    /**
     * How often the reports go out.
     *
     * @param daily       {@code alerting_args.daily_report_frequency} (12 h): the deployments report
     * @param spend       {@code spend_report_frequency} (7 days): the spend per team report
     * @param checkEvery  {@code alerting_args.report_check_interval} (1 h): how often a replica looks whether one is due
     */
    public record Reports(Duration daily, Duration spend, Duration checkEvery) {
    }

    /**
     * When a deployment's failures are an outage.
     *
     * @param window {@code outage_alert_ttl}: the failures counted are those of this last stretch of time
     * @param minor  {@code minor_outage_alert_threshold}: this many failures in the window is a minor outage
     * @param major  {@code major_outage_alert_threshold}: this many, a major one
     */
    public record Outage(Duration window, int minor, int major) {
    }

    /** The alert type of budget events. */
    public static final String BUDGET_ALERTS = "budget_alerts";
    /** The alert types of calls and deployments, raised by {@code OperationalAlerts}. */
    public static final Set<String> OPERATIONAL = Set.of("llm_exceptions", "llm_too_slow", "llm_requests_hanging",
            "cooldown_deployment", "db_exceptions", "outage_alerts");
    /** Raised by the spend writer. */
    public static final String FAILED_TRACKING_SPEND = "failed_tracking_spend";
    /** The admin API's events, raised by the server's admin routes. */
    public static final Set<String> MANAGEMENT = Set.of("new_virtual_key_created", "virtual_key_updated",
            "virtual_key_deleted", "new_team_created", "team_updated", "team_deleted", "new_internal_user_created",
            "internal_user_updated", "internal_user_deleted");
    /** The reports, sent on a schedule by {@code Reports}. */
    public static final Set<String> REPORTS = Set.of("daily_reports", "spend_reports");
    private static final Set<String> RAISED = Stream.of(Stream.of(BUDGET_ALERTS, FAILED_TRACKING_SPEND),
            REPORTS.stream(), OPERATIONAL.stream(), MANAGEMENT.stream()).flatMap(types -> types)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> LITELLM_TYPES = Set.of("llm_exceptions", "llm_too_slow", "llm_requests_hanging",
            "budget_alerts", "spend_reports", "db_exceptions", "daily_reports", "cooldown_deployment",
            "new_model_added", "outage_alerts", "region_outage_alerts", "failed_tracking_spend", "fallback_reports",
            "new_virtual_key_created", "virtual_key_updated", "virtual_key_deleted", "new_team_created",
            "team_updated", "team_deleted", "new_internal_user_created", "internal_user_updated",
            "internal_user_deleted");

    /** Copies the collections. */
    public AlertingSettings {
        channels = List.copyOf(channels);
        alertTypes = Set.copyOf(alertTypes);
        urlsByType = Map.copyOf(urlsByType);
        Objects.requireNonNull(budgetAlertTtl, "budgetAlertTtl");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(outage, "outage");
        Objects.requireNonNull(reports, "reports");
    }

    /** @return no alerting */
    public static AlertingSettings none() {
        return new AlertingSettings(List.of(), Set.of(), Map.of(), Duration.ofDays(1), Duration.ofMinutes(5),
                new Outage(Duration.ofMinutes(1), 5, 10), new Reports(Duration.ofHours(12), Duration.ofDays(7),
                Duration.ofHours(1)));
    }

    /** @return whether alerts of the type are raised and go somewhere */
    public boolean raises(String alertType) {
        return !channels.isEmpty() && alertTypes.contains(alertType);
    }

    static AlertingSettings read(ConfigNode general, List<String> notices) {
        List<String> channels = new ArrayList<>();
        for (ConfigNode channel : general.get("alerting").list()) {
            channels.add(channel.requiredText("a channel name, e.g. slack or webhook"));
        }
        Set<String> types = new LinkedHashSet<>();
        List<ConfigNode> asked = general.get("alert_types").list();
        for (ConfigNode type : asked) {
            String name = type.requiredText("an alert type, e.g. budget_alerts");
            if (!LITELLM_TYPES.contains(name)) {
                throw type.invalid("unknown alert type '" + name + "'; LiteLLM's are " + new TreeSet<>(LITELLM_TYPES));
            }
            if (!RAISED.contains(name)) {
                notices.add(type.path() + ": alert type '" + name + "' is accepted, but not raised yet");
            }
            types.add(name);
        }
        if (asked.isEmpty()) { // as LiteLLM: every type but the management events, which are asked for by name
            RAISED.stream().filter(type -> !MANAGEMENT.contains(type)).forEach(types::add);
        }
        Map<String, List<String>> urls = new LinkedHashMap<>();
        general.get("alert_to_webhook_url").fields().forEachRemaining(entry -> {
            ConfigNode value = general.get("alert_to_webhook_url").get(entry.getKey());
            List<String> list = new ArrayList<>();
            if (value.node().isArray()) {
                value.list().forEach(url -> list.add(url.requiredText("a webhook URL")));
            } else {
                list.add(value.requiredText("a webhook URL or a list of them"));
            }
            urls.put(entry.getKey(), list);
        });
        Duration ttl = general.get("alerting_args").get("budget_alert_ttl").seconds().orElse(Duration.ofDays(1));
        Duration threshold = general.get("alerting_threshold").seconds().orElse(Duration.ofMinutes(5));
        ConfigNode args = general.get("alerting_args");
        long minor = args.get("minor_outage_alert_threshold").wholeNumber().orElse(5L);
        long major = args.get("major_outage_alert_threshold").wholeNumber().orElse(10L);
        if (minor < 1 || major <= minor || major > 100_000) {
            throw args.invalid("minor_outage_alert_threshold must be at least 1 and below major_outage_alert_threshold");
        }
        Outage outage = new Outage(args.get("outage_alert_ttl").seconds().orElse(Duration.ofMinutes(1)), (int) minor,
                (int) major);
        Duration spendEvery = general.get("spend_report_frequency").text().map(text -> {
            try {
                TimeSpan span = TimeSpan.parse(text);
                return Duration.between(java.time.Instant.EPOCH, span.after(java.time.Instant.EPOCH));
            } catch (IllegalArgumentException e) {
                throw general.get("spend_report_frequency").invalid(e.getMessage());
            }
        }).orElse(Duration.ofDays(7));
        Reports reports = new Reports(args.get("daily_report_frequency").seconds().orElse(Duration.ofHours(12)),
                spendEvery, args.get("report_check_interval").seconds().orElse(Duration.ofHours(1)));
        return new AlertingSettings(channels, types, urls, ttl, threshold, outage, reports);
    }
}
