package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.Gateway;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.alerting.Alerts;

/**
 * LiteLLM's {@code GET /health/services?service=slack} (admins): sends a test alert to one
 * alerting channel, to check its URL end to end; and {@code GET /get/config/callbacks} (admins and
 * admin viewers): the loggers and alert channels in effect, never their settings.
 */
final class AlertingRoutes {

    private final Gateway gateway;

    AlertingRoutes(Gateway gateway) {
        this.gateway = gateway;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.get("/get/config/callbacks", (caller, req) -> {
            Permissions.requireAdminReader(caller, "the callbacks");
            ObjectNode body = endpoints.object().put("status", "success");
            body.set("callbacks", gateway.watchers().callLogs().describe());
            Alerts alerts = gateway.watchers().alerts();
            var channels = body.putArray("alerts");
            for (String channel : alerts.channels()) {
                var entry = channels.addObject().put("name", channel);
                alerts.alertTypes().stream().sorted().forEach(entry.putArray("active_alerts")::add);
            }
            return body;
        });
        endpoints.get("/health/services", (caller, req) -> {
            Permissions.requireAdmin(caller, "send test alerts");
            String service = AdminEndpoints.param(req, "service").filter(name -> !name.isBlank())
                    .orElseThrow(() -> GatewayException.badRequest("Name the alerting channel to test: "
                            + "/health/services?service=slack (or webhook, msteams, discord).", "service"));
            Alerts alerts = gateway.watchers().alerts();
            if (!alerts.test(service, "Sluice test alert: alerting to " + service + " works.")) {
                throw GatewayException.badRequest("'" + service + "' is not an alerting channel in effect; in effect: "
                        + alerts.channels() + ". Add it to general_settings.alerting and set its webhook URL.",
                        "service");
            }
            ObjectNode body = endpoints.object().put("status", "success");
            body.put("message", "Test alert queued for " + service + "; verify it arrived in your channel.");
            return body;
        });
    }
}
