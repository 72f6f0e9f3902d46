package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness asks the shared Redis (real, behind a proxy the test cuts) when it is asked, rather
 * than repeating what the last limit check saw: it says so during an outage in which no call ran,
 * and says connected again soon after Redis is back, calls or not.
 */
class ReadinessRedisTest {

    private static final String REDIS_HOST = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    private static final int REDIS_PORT = Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379"));

    @TempDir
    Path dir;

    @Test
    void theRedisFieldFollowsRedisWithoutAnyCall() throws Exception {
        try (TcpProxy redis = new TcpProxy(REDIS_HOST, REDIS_PORT);
             RunningGateway gateway = RunningGateway.start(dir, """
                     model_list:
                       - model_name: gpt-4o-mini
                         litellm_params: {model: mock/gpt-4o-mini}
                     general_settings: {master_key: %s}
                     router_settings: {redis_host: 127.0.0.1, redis_port: %d}
                     """.formatted(MASTER_KEY, redis.port()))) {
            assertEquals("connected", redisField(gateway));
            redis.cut();
            assertEquals("unreachable", awaitRedisField(gateway, "unreachable"), "during the outage");
            redis.restore();
            assertEquals("connected", awaitRedisField(gateway, "connected"), "after Redis is back, with no call made");
        }
    }

    private static String redisField(RunningGateway gateway) {
        String field = json(gateway.get("/health/readiness", "Authorization", "Bearer " + MASTER_KEY)).path("redis")
                .asText();
        return field.startsWith("unreachable") ? "unreachable" : field;
    }

    /** Readiness once a second until it says what is expected; 15 tries bound a broken probe. */
    private static String awaitRedisField(RunningGateway gateway, String expected) throws InterruptedException {
        String field = redisField(gateway);
        for (int tries = 0; tries < 15 && !field.equals(expected); tries++) {
            Thread.sleep(1000);
            field = redisField(gateway);
        }
        return field;
    }
}
