package dev.sluice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.api.GatewayException;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowCacheTest {

    @TempDir
    Path dir;
    private Database database;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<String> stored = new AtomicReference<>("v1");

    @BeforeEach
    void open() {
        database = TestDatabases.open(Dialect.H2, dir);
    }

    @AfterEach
    void close() {
        TestDatabases.close(database);
    }

    private RowCache<String> cache() {
        return new RowCache<>(database, id -> {
            reads.incrementAndGet();
            return Optional.ofNullable(stored.get());
        }, nanos::get);
    }

    @Test
    void aHeldRowIsServedUntilItIsOlderThanTheRefreshThenReadAgain() {
        RowCache<String> rows = cache();
        assertEquals(Optional.of("v1"), rows.get("k"));
        stored.set("v2");
        nanos.addAndGet(RowCache.REFRESH.toNanos() - 1);
        assertEquals(Optional.of("v1"), rows.get("k"));
        assertEquals(1, reads.get());
        nanos.addAndGet(1);
        assertEquals(Optional.of("v2"), rows.get("k"));
        assertEquals(2, reads.get());
    }

    @Test
    void aReadThatFailsToConnectServesWhatIsHeldAndAMissFailsAtOnceWith503() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        RowCache<String> rows = new RowCache<>(database, id -> {
            reads.incrementAndGet();
            if (failure.get() != null) {
                throw failure.get();
            }
            return Optional.of("v1");
        }, nanos::get);
        assertEquals(Optional.of("v1"), rows.get("held"));
        failure.set(new IllegalStateException(new SQLTransientConnectionException("Connection is not available")));
        nanos.addAndGet(RowCache.REFRESH.toNanos());
        assertEquals(Optional.of("v1"), rows.get("held"), "a stale row rather than an error");
        GatewayException refused = assertThrows(GatewayException.class, () -> rows.get("unknown"));
        assertEquals(503, refused.status());
        assertEquals("database_unavailable", refused.code());
    }

    @Test
    void aReadThatRacedAChangeIsNotKept() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        RowCache<String> rows = new RowCache<>(database, id -> {
            String seen = stored.get();
            if (reads.incrementAndGet() == 1) {
                reading.countDown();
                await(changed); // the row changes (and is invalidated) while this read is on its way
            }
            return Optional.of(seen);
        }, nanos::get);
        Thread first = Thread.ofVirtual().start(() -> rows.get("k"));
        reading.await();
        stored.set("v2");
        rows.invalidate("k");
        changed.countDown();
        first.join();
        assertEquals(Optional.of("v2"), rows.get("k"), "the read from before the change was not kept");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
