package dev.sluice.core.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.config.RedisTarget;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two replicas' broadcasts on the real Redis at REDIS_HOST:REDIS_PORT (127.0.0.1:6379 unless set). */
class ChangeBroadcastTest {

    private static final RedisTarget REDIS = new RedisTarget(Optional.empty(),
            System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1"),
            Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")), Optional.empty());

    @Test
    void aReplicaHearsTheOthersChangesButNotItsOwn() throws Exception {
        try (SharedRedis one = SharedRedis.to(REDIS); SharedRedis two = SharedRedis.to(REDIS)) {
            ChangeBroadcast first = new ChangeBroadcast(one);
            ChangeBroadcast second = new ChangeBroadcast(two);
            List<String> heardByFirst = new CopyOnWriteArrayList<>();
            List<String> heardBySecond = new CopyOnWriteArrayList<>();
            CountDownLatch cooled = new CountDownLatch(1);
            first.listen(token -> heardByFirst.add("key " + token), account -> heardByFirst.add(account));
            second.listen(token -> heardBySecond.add("key " + token), account -> heardBySecond.add(account),
                    (deployment, millis) -> {
                        heardBySecond.add("cooldown " + deployment + " " + millis);
                        cooled.countDown();
                    });
            first.keyChanged("hash-1");
            first.accountChanged("team:search");
            first.cooledDown("deployment-a", 30_000);
            assertTrue(cooled.await(5, TimeUnit.SECONDS), "the cooldown never arrived");
            assertEquals(List.of("key hash-1", "team:search", "cooldown deployment-a 30000"), heardBySecond);
            assertTrue(heardByFirst.isEmpty(), "a replica ignores its own announcements: " + heardByFirst);
        }
    }
}
