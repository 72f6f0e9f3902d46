package dev.sluice.core.limits;

import dev.sluice.core.accounts.RateLimits;

import dev.sluice.core.shared.SharedRedis;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rate limits shared by every replica: each account's minute window (requests, tokens) and
 * calls in flight live in Redis, and each admission is one Lua script that checks and counts
 * atomically, so replicas together admit exactly the limit. Keys carry a hash tag, so a Redis
 * Cluster keeps an account's keys on one node. In-flight counts expire after
 * {@value #IN_FLIGHT_TTL_SECONDS} s, so a replica that dies mid-call cannot hold a slot for ever.
 */
public final class RedisRateLimiter implements RateLimiter {

    static final long IN_FLIGHT_TTL_SECONDS = 900;

    private static final SharedRedis.Script ADMIT = SharedRedis.Script.of("""
            local m = redis.call('HGET', KEYS[1], 'm')
            if m ~= ARGV[1] then redis.call('HSET', KEYS[1], 'm', ARGV[1], 'r', 0, 't', 0) end
            redis.call('EXPIRE', KEYS[1], 120)
            local r = tonumber(redis.call('HGET', KEYS[1], 'r'))
            local t = tonumber(redis.call('HGET', KEYS[1], 't'))
            local f = tonumber(redis.call('GET', KEYS[2]) or '0')
            local rpm, tpm, parallel = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            if parallel >= 0 and f >= parallel then return {1, r, t, f} end
            if rpm >= 0 and r >= rpm then return {2, r, t, f} end
            if tpm >= 0 and t >= tpm then return {3, r, t, f} end
            r = redis.call('HINCRBY', KEYS[1], 'r', 1)
            f = redis.call('INCR', KEYS[2])
            redis.call('EXPIRE', KEYS[2], ARGV[5])
            return {0, r, t, f}
            """);
    private static final SharedRedis.Script CANCEL = SharedRedis.Script.of("""
            if tonumber(redis.call('DECR', KEYS[2])) < 0 then redis.call('SET', KEYS[2], 0) end
            if redis.call('HGET', KEYS[1], 'm') == ARGV[1] then redis.call('HINCRBY', KEYS[1], 'r', -1) end
            return 0
            """);
    private static final SharedRedis.Script FINISH = SharedRedis.Script.of("""
            if tonumber(redis.call('DECR', KEYS[2])) < 0 then redis.call('SET', KEYS[2], 0) end
            if redis.call('HGET', KEYS[1], 'm') ~= ARGV[1] then
              redis.call('HSET', KEYS[1], 'm', ARGV[1], 'r', 0, 't', 0)
            end
            redis.call('HINCRBY', KEYS[1], 't', ARGV[2])
            redis.call('EXPIRE', KEYS[1], 120)
            return 0
            """);

    private final SharedRedis redis;
    private final Clock clock;

    /**
     * @param redis the shared Redis
     * @param clock the time, for the minute windows
     */
    public RedisRateLimiter(SharedRedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public Permit admit(String subject, String what, RateLimits limits) {
        long minute = clock.instant().getEpochSecond() / 60;
        String[] keys = keys(subject);
        List<Long> answer = redis.eval(ADMIT, ScriptOutputType.MULTI, keys,
                Long.toString(minute), limit(limits.rpm().map(Long::valueOf).orElse(null)),
                limit(limits.tpm().map(Long::valueOf).orElse(null)),
                limit(limits.maxParallel().map(Long::valueOf).orElse(null)), Long.toString(IN_FLIGHT_TTL_SECONDS));
        long outcome = answer.get(0);
        Duration untilNextMinute = Duration.between(clock.instant(), Instant.ofEpochSecond((minute + 1) * 60));
        if (outcome == 1) {
            throw InProcessRateLimiter.refused(what + " has " + answer.get(3) + " calls in flight, its "
                    + "max_parallel_requests; retry when one finishes.", Duration.ofSeconds(1));
        }
        if (outcome == 2) {
            throw InProcessRateLimiter.refused(what + " reached its rpm_limit of " + limits.rpm().get()
                    + " requests this minute.", untilNextMinute);
        }
        if (outcome == 3) {
            throw InProcessRateLimiter.refused(what + " reached its tpm_limit of " + limits.tpm().get()
                    + " tokens this minute.", untilNextMinute);
        }
        long requests = answer.get(1);
        long tokens = answer.get(2);
        return new SharedPermit(keys, minute, limits.rpm().map(rpm -> rpm - requests).orElse(-1L),
                limits.tpm().map(tpm -> tpm - tokens).orElse(-1L), answer.get(3));
    }

    private static String[] keys(String subject) {
        String tag = "sluice:rl:{" + subject + "}";
        return new String[] {tag, tag + ":in-flight"};
    }

    private static String limit(Long value) {
        return value == null ? "-1" : Long.toString(value);
    }

    /**
     * A call admitted in Redis; its end is counted there without holding up the call, or lost to
     * the in-flight TTL if Redis fails.
     */
    private final class SharedPermit implements Permit {
        private final String[] keys;
        private final long minute;
        private final long remainingRequests;
        private final long remainingTokens;
        private final long inFlight;
        private boolean done;

        SharedPermit(String[] keys, long minute, long remainingRequests, long remainingTokens, long inFlight) {
            this.keys = keys;
            this.minute = minute;
            this.remainingRequests = remainingRequests;
            this.remainingTokens = remainingTokens;
            this.inFlight = inFlight;
        }

        @Override
        public long inFlight() {
            return inFlight;
        }

        @Override
        public long remainingRequests() {
            return remainingRequests;
        }

        @Override
        public long remainingTokens() {
            return remainingTokens;
        }

        @Override
        public synchronized void cancel() {
            if (!done) {
                done = true;
                redis.evalLater(CANCEL, keys, Long.toString(minute));
            }
        }

        @Override
        public synchronized void finish(long tokens) {
            if (!done) {
                done = true;
                long now = clock.instant().getEpochSecond() / 60;
                redis.evalLater(FINISH, keys, Long.toString(now), Long.toString(tokens));
            }
        }
    }
}
