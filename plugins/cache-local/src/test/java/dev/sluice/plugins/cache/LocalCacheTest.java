package dev.sluice.plugins.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final Ticker ticker = now::get;

    @Test
    void anEntryLivesForItsOwnTimeToLive() {
        LocalCache cache = new LocalCache(ticker);
        cache.put("short", new byte[] {1}, Duration.ofSeconds(10));
        cache.put("long", new byte[] {2}, Duration.ofMinutes(10));
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertTrue(cache.get("short").isEmpty());
        assertArrayEquals(new byte[] {2}, cache.get("long").orElseThrow());
        cache.delete("long");
        assertTrue(cache.get("long").isEmpty());
    }

    @Test
    void maxSizeInMemoryBoundsTheEntries() throws Exception {
        LocalCache cache = new LocalCache(ticker);
        cache.configure(new ObjectMapper().readTree("{\"max_size_in_memory\": 2}"));
        for (int i = 0; i < 50; i++) {
            cache.put("k" + i, new byte[] {(byte) i}, Duration.ofMinutes(1));
        }
        assertTrue(cache.size() <= 2, "held " + cache.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cache.configure(new ObjectMapper().readTree("{\"max_size_in_memory\": 0}")));
        assertEquals("max_size_in_memory must be a whole number of entries above 0", e.getMessage());
    }
}
