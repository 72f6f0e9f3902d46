package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.core.config.GeneralSettings;
import dev.sluice.core.config.IpRanges;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;

/**
 * {@code general_settings.allowed_ips}: callers from other addresses get a 403 on every route
 * but the health probes (an orchestrator's probes come from its own nodes). The caller is the
 * connection's peer; when the peer is one of {@code trusted_proxies}, the {@code X-Forwarded-For}
 * entry nearest to it that is not itself a trusted proxy. A forwarded address from any other
 * peer is ignored: it is whatever the caller chose to write.
 */
final class CallerAddresses {

    private final IpRanges allowed;
    private final IpRanges trustedProxies;

    CallerAddresses(GeneralSettings settings) {
        this.allowed = settings.allowedIps();
        this.trustedProxies = settings.trustedProxies();
    }

    /** Adds the check in front of every route, when {@code allowed_ips} is set. */
    void register(HttpRouting.Builder routing, ErrorResponses errors) {
        if (allowed.isEmpty()) {
            return;
        }
        routing.addFilter((chain, req, res) -> {
            String caller = of(req);
            if (HealthRoutes.PROBES.contains(req.path().path()) || allowed.contains(caller)) {
                chain.proceed();
                return;
            }
            errors.send(res, new GatewayException(ErrorKind.AUTHENTICATION, 403, "Access forbidden: IP address not "
                    + "allowed (this call came from " + caller + "). Ask the gateway's operator to add it to "
                    + "general_settings.allowed_ips.", null, "403", null, null));
        });
    }

    /** @return the caller's address, through trusted proxies */
    String of(ServerRequest req) {
        String peer = ModelRoutes.clientAddress(req);
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> forwarded = req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of);
        String caller = peer;
        List<String> hops = forwarded.stream().flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim).filter(hop -> !hop.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) { // nearest hop first
            caller = hops.get(i);
            if (!trustedProxies.contains(caller)) {
                break;
            }
        }
        return caller;
    }
}
