package dev.sluice.core.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.core.config.AlertingSettings;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's scheduled reports, read from the spend logs: {@code daily_reports} (the five slowest
 * deployments and the five with the most failed calls over the last {@code daily_report_frequency})
 * and {@code spend_reports} (spend per team over the last {@code spend_report_frequency}). Every
 * replica looks each {@code report_check_interval}; the first to claim a period sends its report.
 */
public final class Reports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
    private static final int TOP = 5;

    private final Alerts alerts;
    private final Database database;
    private final AlertingSettings.Reports settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    public Reports(Alerts alerts, Database database, AlertingSettings.Reports settings, ObjectMapper json, Clock clock) {
        this.alerts = alerts;
        this.database = database;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("alert-reports")
                .factory());
        long every = settings.checkEvery().toMillis();
        scheduler.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
    }

    private void sendDue() {
        try {
            if (alerts.raises("daily_reports")) {
                due("daily_reports", settings.daily(), this::deploymentsReport);
            }
            if (alerts.raises("spend_reports")) {
                due("spend_reports", settings.spend(), this::spendReport);
            }
        } catch (RuntimeException e) {
            LOG.warn("A report could not be made ({}); the next check tries again", e.toString());
        }
    }

    /** Sends the report of the period now ending, once across replicas. */
    private void due(String type, Duration period, java.util.function.Function<Instant, ObjectNode> report) {
        long index = clock.millis() / period.toMillis();
        ObjectNode event = report.apply(clock.instant().minus(period));
        String message = event.path("event_message").asText();
        alerts.raise(new Alert(type, "Low", message, event), Long.toString(index), period);
    }

    private ObjectNode deploymentsReport(Instant since) {
        String millis = database.dialect() == Dialect.H2 ? "datediff('MILLISECOND', start_time, end_time)"
                : "extract(epoch from (end_time - start_time)) * 1000";
        ObjectNode event = json.createObjectNode().put("event", "daily_reports").put("event_group", "proxy");
        ArrayNode slowest = event.putArray("slowest_deployments");
        ArrayNode failing = event.putArray("most_failed_deployments");
        StringBuilder message = new StringBuilder("Deployments report since " + since + ". Slowest:");
        database.jdbi().useHandle(handle -> {
            handle.createQuery("select model_id, model_group, avg(" + millis + ") as ms, count(*) as calls "
                            + "from sluice_spend_logs where status = 'success' and start_time >= :since and model_id "
                            + "is not null group by model_id, model_group order by ms desc limit " + TOP)
                    .bind("since", Timestamp.from(since)).mapToMap().forEach(row -> {
                        long ms = ((Number) row.get("ms")).longValue();
                        slowest.addObject().put("model_id", (String) row.get("model_id"))
                                .put("model_group", (String) row.get("model_group")).put("average_ms", ms)
                                .put("calls", ((Number) row.get("calls")).longValue());
                        message.append(" ").append(row.get("model_group")).append(" (").append(row.get("model_id"))
                                .append(") ").append(ms).append(" ms;");
                    });
            message.append(" Most failed:");
            handle.createQuery("select model_id, model_group, count(*) as failures from sluice_spend_logs "
                            + "where status <> 'success' and start_time >= :since and model_id is not null "
                            + "group by model_id, model_group order by failures desc limit " + TOP)
                    .bind("since", Timestamp.from(since)).mapToMap().forEach(row -> {
                        long failures = ((Number) row.get("failures")).longValue();
                        failing.addObject().put("model_id", (String) row.get("model_id"))
                                .put("model_group", (String) row.get("model_group")).put("failures", failures);
                        message.append(" ").append(row.get("model_group")).append(" (").append(row.get("model_id"))
                                .append(") ").append(failures).append(";");
                    });
        });
        return event.put("event_message", message.toString());
    }

    private ObjectNode spendReport(Instant since) {
        ObjectNode event = json.createObjectNode().put("event", "spend_reports").put("event_group", "proxy");
        ArrayNode teams = event.putArray("teams");
        StringBuilder message = new StringBuilder("Spend per team since " + since + ":");
        database.jdbi().useHandle(handle -> handle.createQuery("select coalesce(team_id, '(no team)') as team, "
                        + "sum(spend) as spend, count(*) as calls from sluice_spend_logs where start_time >= :since "
                        + "group by coalesce(team_id, '(no team)') order by spend desc")
                .bind("since", Timestamp.from(since)).mapToMap().forEach(row -> {
                    BigDecimal spend = new BigDecimal(row.get("spend").toString());
                    teams.addObject().put("team_id", (String) row.get("team")).put("spend", spend)
                            .put("calls", ((Number) row.get("calls")).longValue());
                    message.append(" ").append(row.get("team")).append(" $").append(spend.stripTrailingZeros()
                            .toPlainString()).append(";");
                }));
        return event.put("event_message", message.toString());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
