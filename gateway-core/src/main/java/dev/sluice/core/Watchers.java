package dev.sluice.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.CallLogger;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.HttpTransport;
import dev.sluice.core.alerting.Alerts;
import dev.sluice.core.alerting.OperationalAlerts;
import dev.sluice.core.alerting.Reports;
import dev.sluice.core.config.AlertingSettings;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.logging.CallLogs;
import dev.sluice.core.plugin.PluginHost;
import dev.sluice.core.routing.Router;
import dev.sluice.core.shared.SharedRedis;
import dev.sluice.core.store.Database;
import dev.sluice.core.telemetry.GatewayMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What watches the calls on the site's behalf, from the logger and alert channel plugins: the
 * logging callbacks, the alerts and the stage raising alerts about calls. Opened with the gateway,
 * closed with it (loggers send what they hold first).
 *
 * @param callLogs          the logging callbacks
 * @param alerts            the alert channels
 * @param operationalAlerts the stage raising alerts about calls, when such alerts are on
 * @param reports           the scheduled reports, when they are on
 */
public record Watchers(CallLogs callLogs, Alerts alerts, Optional<OperationalAlerts> operationalAlerts,
                       Optional<Reports> reports) implements AutoCloseable {

    static Watchers open(GatewayConfig config, PluginHost plugins, Optional<SharedRedis> shared, HttpTransport transport,
                         ObjectMapper json, GatewayMetrics metrics, Router router, Database database) {
        CallLogs callLogs = CallLogs.open(config.observability(), plugins.extensions(CallLogger.class), transport, json,
                metrics::loggerEvents, Clock.systemUTC());
        metrics.watchLoggerQueues(callLogs::depths);
        Alerts alerts = Alerts.open(config.observability().alerting(), plugins.extensions(AlertChannel.class),
                config.observability().environment(), shared.orElse(null), transport, json, metrics::alert,
                Clock.systemUTC());
        Optional<OperationalAlerts> operational = Optional.empty();
        if (AlertingSettings.OPERATIONAL.stream().anyMatch(alerts::raises)) {
            AlertingSettings alerting = config.observability().alerting();
            OperationalAlerts watch = new OperationalAlerts(alerts, alerting.threshold(), alerting.outage(),
                    database::available, json, Clock.systemUTC());
            router.onCooldown(watch::cooledDown);
            operational = Optional.of(watch);
        }
        Optional<Reports> reports = AlertingSettings.REPORTS.stream().anyMatch(alerts::raises)
                ? Optional.of(new Reports(alerts, database, config.observability().alerting().reports(), json,
                Clock.systemUTC())) : Optional.empty();
        return new Watchers(callLogs, alerts, operational, reports);
    }

    /** @return the pipeline stages they need: the loggers' and the operational alerts', where in effect */
    List<GatewayFilter> filters() {
        List<GatewayFilter> filters = new ArrayList<>();
        callLogs.filter().ifPresent(filters::add);
        operationalAlerts.ifPresent(filters::add);
        return filters;
    }

    @Override
    public void close() {
        callLogs.close(); // sends what the loggers still hold
        operationalAlerts.ifPresent(OperationalAlerts::close);
        reports.ifPresent(Reports::close);
        alerts.close();
    }
}
