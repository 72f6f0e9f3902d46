package dev.sluice.core.budget;

import dev.sluice.core.shared.SharedRedis;
import io.lettuce.core.ScriptOutputType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.Supplier;

/**
 * Budgets shared by every replica: each budget's spend and reservations in flight live in Redis
 * (in billionths of a dollar), and each reservation is one Lua script that checks and reserves
 * atomically (see {@link Budgets} for how much), so replicas together hold a budget as one. A budget's spend is read from its
 * record the first time any replica uses it; an unused budget is forgotten after a day and read
 * again, and a reset ({@code budget_duration}) forgets it at once.
 */
public final class RedisBudgets implements Budgets {

    private static final int SCALE = 9;

    private static final SharedRedis.Script RESERVE = SharedRedis.Script.of("""
            redis.call('HSETNX', KEYS[1], 's', ARGV[3])
            redis.call('HSETNX', KEYS[1], 'r', 0)
            redis.call('EXPIRE', KEYS[1], 86400)
            local s = tonumber(redis.call('HGET', KEYS[1], 's'))
            local r = tonumber(redis.call('HGET', KEYS[1], 'r'))
            local left = tonumber(ARGV[1]) - s - r
            if left <= 0 then return {0, s, r, 0} end
            local hold = math.min(tonumber(ARGV[2]), left)
            redis.call('HINCRBY', KEYS[1], 'r', hold)
            return {1, s, r, hold}
            """);
    private static final SharedRedis.Script SETTLE = SharedRedis.Script.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('HINCRBY', KEYS[1], 'r', -tonumber(ARGV[1]))
              redis.call('HINCRBY', KEYS[1], 's', ARGV[2])
            end
            return 0
            """);

    private final SharedRedis redis;

    /** @param redis the shared Redis */
    public RedisBudgets(SharedRedis redis) {
        this.redis = redis;
    }

    @Override
    public Reservation reserve(String budget, String what, BigDecimal limit, BigDecimal amount,
                               Supplier<BigDecimal> spentSoFar) {
        String key = key(budget);
        long reserved = units(amount, RoundingMode.CEILING);
        List<Long> answer = redis.eval(RESERVE, ScriptOutputType.MULTI, new String[] {key},
                Long.toString(units(limit, RoundingMode.FLOOR)), Long.toString(reserved),
                Long.toString(units(spentSoFar.get(), RoundingMode.HALF_UP)));
        if (answer.get(0) == 0) {
            throw Budgets.exceeded(what, dollars(answer.get(1)), dollars(answer.get(2)), limit);
        }
        return new SharedReservation(key, answer.get(3));
    }

    @Override
    public void reset(String budget) {
        redis.run(commands -> commands.del(key(budget)));
    }

    private static String key(String budget) {
        return "sluice:budget:{" + budget + "}";
    }

    private static long units(BigDecimal dollars, RoundingMode rounding) {
        return dollars.setScale(SCALE, rounding).unscaledValue().longValueExact();
    }

    private static BigDecimal dollars(long units) {
        return BigDecimal.valueOf(units, SCALE);
    }

    /**
     * A reservation in Redis, settled there without holding up the call; if Redis fails at its
     * end, the day-long expiry forgets it.
     */
    private final class SharedReservation implements Reservation {
        private final String key;
        private final long reserved;
        private boolean done;

        SharedReservation(String key, long reserved) {
            this.key = key;
            this.reserved = reserved;
        }

        @Override
        public void settle(BigDecimal actual) {
            finish(units(actual, RoundingMode.HALF_UP));
        }

        @Override
        public void release() {
            finish(0);
        }

        private synchronized void finish(long actual) {
            if (done) {
                return;
            }
            done = true;
            redis.evalLater(SETTLE, new String[] {key}, Long.toString(reserved), Long.toString(actual));
        }
    }
}
