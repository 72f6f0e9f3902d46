package dev.sluice.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.api.GatewayException;
import dev.sluice.core.config.RedisTarget;
import dev.sluice.core.shared.SharedRedis;
import dev.sluice.testkit.ManualClock;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract against the real Redis at REDIS_HOST:REDIS_PORT (127.0.0.1:6379 unless set), with
 * subjects of this run's own; then what only a shared limiter does: several replicas together
 * admit exactly the limit, and a Redis that is down makes them count in process.
 */
class RedisRateLimiterTest extends RateLimiterTest {

    static final RedisTarget REDIS = new RedisTarget(Optional.empty(),
            System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1"),
            Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")), Optional.empty());

    private final List<SharedRedis> connections = new ArrayList<>();
    private final String run = UUID.randomUUID().toString();

    @Override
    protected RateLimiter limiter(ManualClock clock) {
        RateLimiter redis = new RedisRateLimiter(connect(REDIS), clock);
        return (subject, what, limits) -> redis.admit(run + ":" + subject, what, limits);
    }

    private SharedRedis connect(RedisTarget target) {
        SharedRedis redis = SharedRedis.to(target);
        connections.add(redis);
        return redis;
    }

    @AfterEach
    void close() {
        connections.forEach(SharedRedis::close);
    }

    @Test
    void replicasTogetherAdmitExactlyTheLimit() throws Exception {
        List<RateLimiter> replicas = List.of(new RedisRateLimiter(connect(REDIS), clock),
                new RedisRateLimiter(connect(REDIS), clock), new RedisRateLimiter(connect(REDIS), clock));
        String subject = run + ":shared";
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            RateLimiter replica = replicas.get(i % replicas.size());
            calls.add(() -> {
                try {
                    replica.admit(subject, "key shared", limits(10L, null, null)).finish(1);
                    return true;
                } catch (GatewayException refused) {
                    return false;
                }
            });
        }
        int admitted = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Boolean> call : threads.invokeAll(calls)) {
                admitted += call.get() ? 1 : 0;
            }
        }
        assertEquals(10, admitted);
    }

    @Test
    void whileRedisIsDownEachReplicaCountsInProcessAndNoCallFails() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        SharedRedis down = connect(new RedisTarget(Optional.empty(), "127.0.0.1", closed, Optional.empty()));
        RateLimiter limiter = new FailoverRateLimiter(new RedisRateLimiter(down, clock), new InProcessRateLimiter(clock));
        limiter.admit("k", "key k", limits(2L, null, null)).finish(0);
        limiter.admit("k", "key k", limits(2L, null, null)).finish(0);
        assertThrows(GatewayException.class, () -> limiter.admit("k", "key k", limits(2L, null, null)),
                "the in-process count still holds the limit");
        assertEquals(false, down.healthy());
    }
}
