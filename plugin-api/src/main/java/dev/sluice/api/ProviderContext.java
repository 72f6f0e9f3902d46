package dev.sluice.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * What the gateway hands a provider adapter for one upstream call. Plugins get their HTTP client
 * and JSON mapper from here rather than building their own, so both come from the gateway's
 * class loader with its settings.
 *
 * @param deployment the deployment chosen for this call
 * @param transport  the HTTP transport to make the call with; it adds the deployment's
 *                   {@code extra_headers} to every request (since 1.3.0), so a plugin need not
 * @param json       the gateway's JSON mapper
 * @param callId     the gateway's id of this call (the {@code x-litellm-call-id} header)
 */
public record ProviderContext(Deployment deployment, HttpTransport transport, ObjectMapper json, String callId) {

    /** @throws NullPointerException if a part is null */
    public ProviderContext {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(callId, "callId");
        transport = ExtraHeaders.around(transport, deployment.extraHeaders());
    }
}
