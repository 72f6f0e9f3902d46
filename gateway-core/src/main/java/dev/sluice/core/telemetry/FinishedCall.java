package dev.sluice.core.telemetry;

import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Usage;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What one model call came to, once its answer has been sent (a stream's last event included):
 * the facts metrics, the request log and the call's span are made of.
 *
 * @param callId         the call's id ({@code x-litellm-call-id})
 * @param operation      {@code chat}, {@code completion}, {@code embedding} or {@code messages}
 * @param requestedModel the model the caller named, empty if the request could not be read
 * @param status         the HTTP status the caller got (200 for a stream that failed midway)
 * @param failure        why it failed, if it did (mid-stream failures included)
 * @param caller         who called, once authenticated
 * @param teamAlias      the caller's team's alias, if it has one
 * @param endUser        the request's {@code user} (LiteLLM's customer), if given
 * @param deployment     the deployment that answered, or last failed
 * @param usage          the tokens used
 * @param cost           what it cost in USD
 * @param cacheHit       whether the answer came from the cache
 * @param totalNanos     from the request's arrival to the answer's end
 * @param upstreamNanos  waiting for upstreams (whole answers, or streams' first events)
 * @param firstChunkNanos for a stream, from arrival to its first event; -1 otherwise
 */
public record FinishedCall(String callId, String operation, Optional<String> requestedModel, int status,
                           Optional<GatewayException> failure, Optional<Principal> caller, Optional<String> teamAlias,
                           Optional<String> endUser, Optional<Deployment> deployment, Usage usage, BigDecimal cost,
                           boolean cacheHit, long totalNanos, long upstreamNanos, long firstChunkNanos) {

    /** Rejects missing parts. */
    public FinishedCall {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(teamAlias, "teamAlias");
        Objects.requireNonNull(endUser, "endUser");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
    }

    /** @return the gateway's own share of the time: everything but waiting for upstreams */
    public long overheadNanos() {
        return Math.max(0, totalNanos - upstreamNanos);
    }

    /** @return whether the caller got what it asked for */
    public boolean succeeded() {
        return failure.isEmpty() && status < 400;
    }
}
