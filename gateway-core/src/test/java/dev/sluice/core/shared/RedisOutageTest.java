package dev.sluice.core.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.GatewayException;
import dev.sluice.core.accounts.RateLimits;
import dev.sluice.core.limits.FailoverRateLimiter;
import dev.sluice.core.limits.InProcessRateLimiter;
import dev.sluice.core.limits.RateLimiter;
import dev.sluice.core.limits.RedisRateLimiter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis of the test's own that stops under traffic and comes back: calls go on counted in
 * process, the shared counts take over again once Redis answers, and a replica that started while
 * Redis was down subscribes to the other replicas' changes once it is up.
 */
class RedisOutageTest {

    private static final RateLimits THREE_A_MINUTE = new RateLimits(Optional.of(3L), Optional.empty(), Optional.empty());

    private final RedisProcess redis = RedisProcess.onFreePort();

    @AfterEach
    void stop() throws InterruptedException {
        redis.close();
    }

    @Test
    void limitsCountInProcessWhileRedisIsDownAndInRedisAgainWhenItIsBack() throws Exception {
        redis.start();
        try (SharedRedis shared = SharedRedis.to(redis.target())) {
            RateLimiter limiter = new FailoverRateLimiter(new RedisRateLimiter(shared, Clock.systemUTC()),
                    new InProcessRateLimiter(Clock.systemUTC()));
            limiter.admit("key:a", "key a", THREE_A_MINUTE).finish(1);
            assertTrue(shared.healthy());

            redis.stop();
            for (int i = 0; i < 3; i++) {
                limiter.admit("key:b", "key b", THREE_A_MINUTE).finish(1); // no call fails for Redis
            }
            assertFalse(shared.healthy(), "readiness reports the outage");
            assertThrows(GatewayException.class, () -> limiter.admit("key:b", "key b", THREE_A_MINUTE),
                    "the limit still holds, counted in this process");

            redis.start(); // empty: it kept nothing on disk
            for (int i = 0; i < 100 && !shared.healthy(); i++) { // Lettuce reconnects within a second
                Thread.sleep(50);
                limiter.admit("key:probe-" + i, "a probe", THREE_A_MINUTE).finish(0);
            }
            assertTrue(shared.healthy(), "back on Redis");
            limiter.admit("key:c", "key c", THREE_A_MINUTE).finish(1);
            assertEquals("1", shared.run(commands -> commands.hget("sluice:rl:{key:c}", "r")),
                    "calls are counted in Redis again");
        }
    }

    @Test
    void aReplicaStartedWhileRedisWasDownHearsChangesOnceItIsUp() throws Exception {
        try (SharedRedis late = SharedRedis.to(redis.target()); SharedRedis other = SharedRedis.to(redis.target())) {
            BlockingQueue<String> heard = new LinkedBlockingQueue<>();
            new ChangeBroadcast(late).listen(heard::add, account -> { });
            redis.start();
            ChangeBroadcast announcer = new ChangeBroadcast(other);
            String token = null;
            for (int i = 0; i < 100 && token == null; i++) { // the subscription is retried every second
                announcer.keyChanged("hashed-token");
                token = heard.poll(100, TimeUnit.MILLISECONDS);
            }
            assertEquals("hashed-token", token);
        }
    }
}
