package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.PluginApi;
import dev.sluice.core.Gateway;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.plugin.PluginStatus;

/**
 * {@code GET /plugins} (admins and admin viewers): the plugins in the plugins folder with their
 * id, version, plugin API range, state (started, or refused/failed with the problem), file, and
 * the calls its provider adapters are serving.
 */
final class PluginRoutes {

    private final Gateway gateway;

    PluginRoutes(Gateway gateway) {
        this.gateway = gateway;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.get("/plugins", (caller, req) -> {
            Permissions.requireAdminReader(caller, "the plugins");
            ObjectNode body = endpoints.object().put("plugin_api_version", PluginApi.version());
            list(gateway, body.putArray("plugins"));
            return body;
        });
    }

    /** Adds each plugin's entry; also the readiness answer's {@code plugins}. */
    static void list(Gateway gateway, ArrayNode plugins) {
        for (PluginStatus plugin : gateway.plugins()) {
            ObjectNode entry = plugins.addObject().put("id", plugin.id()).put("version", plugin.version())
                    .put("requires", plugin.requires()).put("state", plugin.state()).put("file", plugin.file())
                    .put("in_flight", plugin.inFlight());
            plugin.problem().ifPresent(problem -> entry.put("problem", problem));
        }
    }
}
