package dev.sluice.core.routing;

import dev.sluice.api.DeploymentStats;
import dev.sluice.core.config.FailureClass;

/**
 * The live state of one deployment in this process: calls in flight, requests and tokens in the
 * current minute, smoothed latencies, failures this minute and the end of its cooldown. Every
 * method is short and holds the object's lock, so admission under the {@code rpm} limit is exact
 * however many calls race for the last slot.
 *
 * <p>With replicas sharing Redis it also holds what the last shared admission saw of the whole
 * fleet: its requests, tokens and calls in flight. Routing reads the larger of the two, so a
 * deployment the other replicas have filled is left out here without asking Redis again.
 */
public final class DeploymentLoad {

    /** The weight of the newest sample in the latency averages. */
    private static final double SMOOTHING = 0.2;
    private static final long MINUTE_MILLIS = 60_000;

    private int inFlight;
    private double latencyMillis;
    private double timeToFirstTokenMillis;
    private long minute = Long.MIN_VALUE;
    private long requests;
    private long tokens;
    private long failureMinute = Long.MIN_VALUE;
    private final int[] failures = new int[FailureClass.values().length];
    private long coolUntilMillis;
    private long fleetMinute = Long.MIN_VALUE;
    private long fleetRequests;
    private long fleetTokens;
    private long fleetInFlight;
    private long fleetSeenMillis = Long.MIN_VALUE;
    private long fullMinute = Long.MIN_VALUE;

    /** How long a fleet-wide in-flight count is trusted: it only changes by calls that start here. */
    private static final long FLEET_IN_FLIGHT_FRESH_MILLIS = 1_000;

    /** @return the statistics routing policies see */
    public synchronized DeploymentStats stats(long nowMillis) {
        roll(nowMillis);
        boolean fresh = nowMillis - fleetSeenMillis < FLEET_IN_FLIGHT_FRESH_MILLIS;
        return new DeploymentStats((int) (fresh ? Math.max(inFlight, fleetInFlight) : inFlight), latencyMillis,
                timeToFirstTokenMillis, Math.max(requests, fleetRequests), Math.max(tokens, fleetTokens));
    }

    /** @return whether the deployment is left out of routing at this time */
    public synchronized boolean cooling(long nowMillis) {
        return nowMillis < coolUntilMillis;
    }

    /** @return whether any of its calls failed in the current minute */
    public synchronized boolean failedThisMinute(long nowMillis) {
        if (Math.floorDiv(nowMillis, MINUTE_MILLIS) != failureMinute) {
            return false;
        }
        for (int count : failures) {
            if (count > 0) {
                return true;
            }
        }
        return false;
    }

    /** @return when its cooldown ends (in the past when it is not cooling) */
    public synchronized long coolUntilMillis() {
        return coolUntilMillis;
    }

    /** @return whether it may take one more call this minute under its limits (0 for none) */
    public synchronized boolean hasHeadroom(long nowMillis, long rpm, long tpm) {
        roll(nowMillis);
        if (fullMinute == minute) {
            return false;
        }
        return (rpm <= 0 || Math.max(requests, fleetRequests) < rpm) && (tpm <= 0 || Math.max(tokens, fleetTokens) < tpm);
    }

    /**
     * Counts a call against this minute and in flight, if the deployment is not cooling and has
     * headroom; the check and the count are one step.
     *
     * @return whether the call was admitted
     */
    public synchronized boolean admit(long nowMillis, long rpm, long tpm) {
        if (nowMillis < coolUntilMillis || !hasHeadroom(nowMillis, rpm, tpm)) {
            return false;
        }
        requests++;
        inFlight++;
        return true;
    }

    /**
     * Remembers what a shared admission saw across every replica, for this minute.
     *
     * @param requests requests this minute, -1 if not counted
     * @param tokens   tokens this minute, -1 if not counted
     * @param inFlight calls in flight
     */
    public synchronized void seenAcrossReplicas(long nowMillis, long requests, long tokens, long inFlight) {
        roll(nowMillis);
        fleetRequests = Math.max(fleetRequests, requests);
        fleetTokens = Math.max(fleetTokens, tokens);
        fleetInFlight = inFlight;
        fleetSeenMillis = nowMillis;
    }

    /**
     * Takes back an admission here because the replicas together have used the deployment's
     * limits for this minute, and leaves it out until the minute ends.
     */
    public synchronized void fullAcrossReplicas(long nowMillis) {
        if (Math.floorDiv(nowMillis, MINUTE_MILLIS) == minute) {
            requests--;
        }
        inFlight--;
        roll(nowMillis);
        fullMinute = minute;
    }

    /** Records how long a whole answer took. */
    public synchronized void answeredIn(long nanos) {
        latencyMillis = smooth(latencyMillis, nanos / 1e6);
    }

    /** Records how long a stream's first chunk took. */
    public synchronized void firstChunkIn(long nanos) {
        timeToFirstTokenMillis = smooth(timeToFirstTokenMillis, nanos / 1e6);
    }

    /** Ends an admitted call that was answered, counting its tokens against this minute. */
    public synchronized void finished(long nowMillis, long tokensUsed) {
        inFlight--;
        fleetInFlight = Math.max(0, fleetInFlight - 1); // this call was in the fleet's count
        roll(nowMillis);
        tokens += tokensUsed;
    }

    /**
     * Ends an admitted call that failed, and cools the deployment down if the rules say so.
     *
     * @param nowMillis                the time
     * @param failure                  the class of the failure, or {@code null} for one the rules ignore
     * @param cooldown                 the rules
     * @param upstreamRetryAfterMillis what the upstream asked for, 0 if nothing
     * @return whether this failure started a cooldown
     */
    public synchronized boolean failed(long nowMillis, FailureClass failure, Cooldowns cooldown,
                                       long upstreamRetryAfterMillis) {
        inFlight--;
        fleetInFlight = Math.max(0, fleetInFlight - 1);
        if (failure == null) {
            return false;
        }
        long thisMinute = Math.floorDiv(nowMillis, MINUTE_MILLIS);
        if (thisMinute != failureMinute) {
            failureMinute = thisMinute;
            java.util.Arrays.fill(failures, 0);
        }
        int count = ++failures[failure.ordinal()];
        long coolMillis = cooldown.coolFor(failure, count, upstreamRetryAfterMillis);
        if (coolMillis <= 0 || nowMillis + coolMillis <= coolUntilMillis) {
            return false;
        }
        coolUntilMillis = nowMillis + coolMillis;
        return true;
    }

    /**
     * Leaves the deployment out until the given time, as another replica decided: its failures
     * were seen there. A cooldown already running longer is kept.
     */
    public synchronized void coolUntil(long untilMillis) {
        coolUntilMillis = Math.max(coolUntilMillis, untilMillis);
    }

    /** @return milliseconds until the next minute starts, when rpm/tpm counts start again */
    static long untilNextMinute(long nowMillis) {
        return MINUTE_MILLIS - Math.floorMod(nowMillis, MINUTE_MILLIS);
    }

    private void roll(long nowMillis) {
        long thisMinute = Math.floorDiv(nowMillis, MINUTE_MILLIS);
        if (thisMinute != minute) {
            minute = thisMinute;
            requests = 0;
            tokens = 0;
            fleetRequests = 0;
            fleetTokens = 0;
        }
    }

    private static double smooth(double average, double sample) {
        return average == 0 ? sample : average + SMOOTHING * (sample - average);
    }
}
