package dev.sluice.api;

/**
 * What the gateway knows of a deployment's recent behaviour, for routing policies.
 *
 * @param inFlight           calls in progress
 * @param latencyMillis      moving average of whole-call latency, 0 when unknown
 * @param timeToFirstTokenMillis moving average of time to first streamed chunk, 0 when unknown
 * @param requestsThisMinute requests sent in the current minute
 * @param tokensThisMinute   tokens used in the current minute
 */
public record DeploymentStats(int inFlight, double latencyMillis, double timeToFirstTokenMillis,
                              long requestsThisMinute, long tokensThisMinute) {

    /** No traffic seen. */
    public static final DeploymentStats NONE = new DeploymentStats(0, 0, 0, 0, 0);
}
