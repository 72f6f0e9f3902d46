package dev.sluice.plugins.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real Redis at REDIS_HOST:REDIS_PORT (127.0.0.1:6379 unless set). */
class RedisCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379"));

    private final RedisCache cache = new RedisCache();
    private RedisClient inspector;
    private StatefulRedisConnection<String, String> inspect;
    private final String key = "sluice-test:" + UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        cache.configure(JSON.readTree("{\"host\":\"" + HOST + "\",\"port\":" + PORT + "}"));
        inspector = RedisClient.create("redis://" + HOST + ":" + PORT);
        inspect = inspector.connect();
    }

    @AfterEach
    void stop() {
        inspect.sync().del(key);
        inspect.close();
        inspector.shutdown();
        cache.close();
    }

    @Test
    void valuesAreStoredWithTheirTimeToLiveAndDeleted() {
        cache.put(key, new byte[] {7, 8, 9}, Duration.ofSeconds(90));
        assertArrayEquals(new byte[] {7, 8, 9}, cache.get(key).orElseThrow());
        long ttl = inspect.sync().pttl(key);
        assertTrue(ttl > 0 && ttl <= 90_000, "PTTL " + ttl);
        cache.delete(key);
        assertTrue(cache.get(key).isEmpty());
    }

    @Test
    void aUrlWorksAsWellAsHostAndPort() throws Exception {
        RedisCache byUrl = new RedisCache();
        byUrl.configure(JSON.readTree("{\"url\":\"redis://" + HOST + ":" + PORT + "/0\"}"));
        try {
            byUrl.put(key, new byte[] {1}, Duration.ofSeconds(5));
            assertArrayEquals(new byte[] {1}, cache.get(key).orElseThrow());
        } finally {
            byUrl.close();
        }
    }

    @Test
    void anUnreachableRedisFailsFastAndIsNotRetriedOnEveryCall() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        RedisCache down = new RedisCache();
        down.configure(JSON.readTree("{\"host\":\"127.0.0.1\",\"port\":" + closed + ",\"redis_timeout\":0.2}"));
        try {
            assertThrows(RuntimeException.class, () -> down.get(key));
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> down.get(key));
            assertEquals("Redis is unreachable; the next attempt to connect is within a second", again.getMessage());
        } finally {
            down.close();
        }
    }
}
