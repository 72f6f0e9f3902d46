package dev.sluice.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.GatewayException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BudgetCountersTest {

    private static final BigDecimal LIMIT = new BigDecimal("0.14");
    private static final BigDecimal CALL = new BigDecimal("0.014");

    @Test
    void concurrentReservationsNeverOvershoot() throws Exception {
        BudgetCounters counters = new BudgetCounters();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                calls.add(threads.submit(() -> {
                    start.await();
                    try {
                        counters.reserve("key:k", "key k", LIMIT, CALL, () -> BigDecimal.ZERO);
                        return true;
                    } catch (GatewayException e) {
                        assertEquals("budget_exceeded", e.type());
                        return false;
                    }
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<Boolean> call : calls) {
                admitted += call.get() ? 1 : 0;
            }
            assertEquals(10, admitted);
        }
    }

    @Test
    void settlingToTheRealCostAndReleasingGiveRoomBack() {
        BudgetCounters counters = new BudgetCounters();
        BudgetCounters.Reservation first = counters.reserve("b", "b", LIMIT, new BigDecimal("0.14"), () -> BigDecimal.ZERO);
        assertThrows(GatewayException.class,
                () -> counters.reserve("b", "b", LIMIT, new BigDecimal("0.05"), () -> BigDecimal.ZERO));
        first.settle(new BigDecimal("0.03"));
        first.settle(new BigDecimal("0.03"));
        assertEquals(0, new BigDecimal("0.03").compareTo(counters.spent("b")), "settled once only");
        BudgetCounters.Reservation second = counters.reserve("b", "b", LIMIT, new BigDecimal("0.11"), () -> BigDecimal.ZERO);
        second.release();
        assertTrue(counters.spent("b").compareTo(new BigDecimal("0.03")) == 0);
        counters.reserve("b", "b", LIMIT, new BigDecimal("0.11"), () -> BigDecimal.ZERO);
    }

    @Test
    void recordedSpendIsReadOnceWhenABudgetIsFirstUsed() {
        BudgetCounters counters = new BudgetCounters();
        GatewayException e = assertThrows(GatewayException.class,
                () -> counters.reserve("k", "key sk-...abcd", LIMIT, CALL, () -> new BigDecimal("0.14")));
        assertEquals(422, e.status(), "LiteLLM's status for a budget refusal");
        assertTrue(e.getMessage().contains("key sk-...abcd"), e.getMessage());
    }

    /** LiteLLM's reservation: a call is admitted while anything is left, holding what is left. */
    @Test
    void aCallWhoseWorstCaseExceedsWhatIsLeftHoldsWhatIsLeftAndTheNextIsRefused() {
        BudgetCounters counters = new BudgetCounters();
        BigDecimal tiny = new BigDecimal("0.0000001");
        BudgetCounters.Reservation first = counters.reserve("t", "t", tiny, new BigDecimal("0.0024687"),
                () -> BigDecimal.ZERO);
        assertThrows(GatewayException.class, () -> counters.reserve("t", "t", tiny, CALL, () -> BigDecimal.ZERO),
                "the first call holds all that was left");
        first.settle(new BigDecimal("0.00002"));
        assertThrows(GatewayException.class, () -> counters.reserve("t", "t", tiny, CALL, () -> BigDecimal.ZERO),
                "spend over max_budget refuses the next");

        counters.reserve("p", "p", LIMIT, CALL, () -> new BigDecimal("0.135")).release(); // 0.005 left: admitted
        counters.reserve("p", "p", LIMIT, new BigDecimal("0.005"), () -> BigDecimal.ZERO);
        assertThrows(GatewayException.class, () -> counters.reserve("p", "p", LIMIT, CALL, () -> BigDecimal.ZERO));
    }
}
