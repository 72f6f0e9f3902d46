package dev.sluice.core.alerting;

import dev.sluice.core.shared.SharedRedis;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an alert is due: the first to claim its key within the window sends it. With Redis the
 * claim is one {@code SET NX PX} that every replica races for, so N replicas send an alert once;
 * without Redis (or while Redis is down) the process's own memory decides.
 */
final class AlertOnce {

    private final Map<String, Long> claimedUntil = new ConcurrentHashMap<>();
    private final SharedRedis redis;
    private final Clock clock;

    /** @param redis the replicas' shared Redis, or null for one process */
    AlertOnce(SharedRedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** @return whether this caller claimed the key, and so sends the alert */
    boolean claim(String key, Duration window) {
        if (redis != null) {
            try {
                return "OK".equals(redis.run(commands -> commands.set("sluice:alert:" + key, "1",
                        SetArgs.Builder.nx().px(window.toMillis()))));
            } catch (RuntimeException e) {
                // Redis is down: this process decides alone, as it would without Redis
            }
        }
        long now = clock.millis();
        claimedUntil.values().removeIf(until -> until <= now);
        return claimedUntil.putIfAbsent(key, now + window.toMillis()) == null;
    }
}
