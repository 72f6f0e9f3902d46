package dev.sluice.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.GatewayException;
import dev.sluice.core.config.RedisTarget;
import dev.sluice.core.shared.SharedRedis;
import java.math.BigDecimal;
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

/** Budgets in the real Redis at REDIS_HOST:REDIS_PORT (127.0.0.1:6379 unless set), budgets of this run's own. */
class RedisBudgetsTest {

    private static final RedisTarget REDIS = new RedisTarget(Optional.empty(),
            System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1"),
            Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")), Optional.empty());
    private static final BigDecimal LIMIT = new BigDecimal("0.14");
    private static final BigDecimal CALL = new BigDecimal("0.014");

    private final List<SharedRedis> connections = new ArrayList<>();
    private final String budget = "key:" + UUID.randomUUID();

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
    void replicasReservingConcurrentlyNeverOvershootTheBudget() throws Exception {
        List<Budgets> replicas = List.of(new RedisBudgets(connect(REDIS)), new RedisBudgets(connect(REDIS)),
                new RedisBudgets(connect(REDIS)));
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Budgets replica = replicas.get(i % replicas.size());
            calls.add(() -> {
                try {
                    replica.reserve(budget, "key k", LIMIT, CALL, () -> BigDecimal.ZERO);
                    return true;
                } catch (GatewayException e) {
                    assertEquals("budget_exceeded", e.type());
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
    void settlingReplacesTheReservationByTheCostAndAResetReadsTheRecordAgain() {
        Budgets budgets = new RedisBudgets(connect(REDIS));
        budgets.reserve(budget, "key k", LIMIT, new BigDecimal("0.10"), () -> new BigDecimal("0.02")).settle(new BigDecimal("0.01"));
        budgets.reserve(budget, "key k", LIMIT, new BigDecimal("0.11"), () -> BigDecimal.ZERO).release();
        Budgets.Reservation rest = budgets.reserve(budget, "key k", LIMIT, new BigDecimal("0.12"), () -> BigDecimal.ZERO);
        GatewayException full = assertThrows(GatewayException.class,
                () -> budgets.reserve(budget, "key k", LIMIT, new BigDecimal("0.01"), () -> BigDecimal.ZERO),
                "the 0.11 left was held whole by the call that wanted 0.12");
        assertTrue(full.getMessage().contains("spend 0.03 USD"), "0.02 on record + 0.01 settled: " + full.getMessage());
        rest.release();
        budgets.reset(budget);
        budgets.reserve(budget, "key k", LIMIT, new BigDecimal("0.12"), () -> BigDecimal.ZERO).release();
    }

    @Test
    void aCallWhoseWorstCaseExceedsWhatIsLeftHoldsWhatIsLeftAcrossReplicas() {
        Budgets one = new RedisBudgets(connect(REDIS));
        Budgets other = new RedisBudgets(connect(REDIS));
        BigDecimal tiny = new BigDecimal("0.0000001");
        Budgets.Reservation first = one.reserve(budget, "key k", tiny, new BigDecimal("0.0024687"), () -> BigDecimal.ZERO);
        GatewayException refused = assertThrows(GatewayException.class,
                () -> other.reserve(budget, "key k", tiny, CALL, () -> BigDecimal.ZERO));
        assertEquals(422, refused.status());
        first.release(); // sent on the first replica's connection, so its next call sees it
        one.reserve(budget, "key k", tiny, CALL, () -> BigDecimal.ZERO); // released: room again
    }

    @Test
    void whileRedisIsDownTheReplicaHoldsTheBudgetInProcess() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Budgets budgets = new FailoverBudgets(new RedisBudgets(connect(new RedisTarget(Optional.empty(), "127.0.0.1",
                closed, Optional.empty()))), new BudgetCounters());
        for (int i = 0; i < 10; i++) {
            budgets.reserve(budget, "key k", LIMIT, CALL, () -> BigDecimal.ZERO);
        }
        assertThrows(GatewayException.class, () -> budgets.reserve(budget, "key k", LIMIT, CALL, () -> BigDecimal.ZERO));
    }
}
