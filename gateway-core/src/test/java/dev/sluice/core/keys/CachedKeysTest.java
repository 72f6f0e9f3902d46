package dev.sluice.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Credentials;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HostServices;
import dev.sluice.api.KeyDirectory;
import dev.sluice.plugins.virtualkeys.VirtualKeyStrategy;
import dev.sluice.api.Principal;
import dev.sluice.api.Secret;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import dev.sluice.testkit.ManualClock;
import dev.sluice.testkit.TestHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtual-key plugin over the gateway's key cache: what a call with a virtual key goes through. */
class CachedKeysTest {

    @TempDir
    Path dir;
    private Database database;
    private KeyStore store;
    private KeyService service;
    private CachedKeys keys;
    private final VirtualKeyStrategy auth = new VirtualKeyStrategy();
    private final AtomicLong tickerNanos = new AtomicLong();
    private final ManualClock clock = new ManualClock(KeyServiceTest.NOW);

    @BeforeEach
    void open() {
        database = TestDatabases.open(Dialect.H2, dir);
        store = new KeyStore(database, KeyServiceTest.JSON);
        service = new KeyService(store, clock);
        keys = new CachedKeys(store, service, tickerNanos::get);
        auth.start(new HostServices() {
            @Override
            public KeyDirectory keys() {
                return keys;
            }

            @Override
            public java.time.Clock clock() {
                return clock;
            }
        });
    }

    @AfterEach
    void close() {
        TestDatabases.close(database);
    }

    private Optional<Principal> present(String key) {
        return auth.authenticate(new Credentials(Optional.of(new Secret(key)), TestHeaders.none(), "127.0.0.1"));
    }

    private String generate(String json) throws Exception {
        return service.generate((ObjectNode) KeyServiceTest.JSON.readTree(json), KeyServiceTest.ADMIN).key();
    }

    @Test
    void aKeyBecomesAPrincipalWithItsModelsTeamAndAlias() throws Exception {
        String key = generate("{\"key_alias\":\"app\",\"models\":[\"gpt-4o\"],\"team_id\":\"t1\",\"user_id\":\"u1\"}");
        Principal principal = present(key).orElseThrow();
        assertEquals(VirtualKeys.token(key), principal.subject());
        assertEquals("app", principal.keyAlias().orElseThrow());
        assertEquals("t1", principal.teamId().orElseThrow());
        assertTrue(principal.mayUse("gpt-4o") && !principal.mayUse("gpt-4o-mini"));
    }

    @Test
    void unknownKeysAreNotRecognised() {
        assertTrue(present("sk-unknown-key-000000").isEmpty());
        assertTrue(present("not-a-virtual-key").isEmpty());
    }

    @Test
    void anExpiredKeyIsRefusedAsExpiredKey() throws Exception {
        String key = generate("{\"duration\":\"1h\"}");
        assertTrue(present(key).isPresent());
        clock.advance(Duration.ofHours(1));
        GatewayException e = assertThrows(GatewayException.class, () -> present(key));
        assertEquals(401, e.status());
        assertEquals("expired_key", e.type());
    }

    @Test
    void blockedAndDeletedKeysStopWorkingAtOnceOnThisReplica() throws Exception {
        String key = generate("{}");
        assertTrue(present(key).isPresent());
        service.setBlocked(key, true, KeyServiceTest.ADMIN);
        assertEquals(401, assertThrows(GatewayException.class, () -> present(key)).status());
        service.setBlocked(key, false, KeyServiceTest.ADMIN);
        assertTrue(present(key).isPresent());
        service.delete((ObjectNode) KeyServiceTest.JSON.readTree("{\"keys\":[\"" + key + "\"]}"), KeyServiceTest.ADMIN);
        assertTrue(present(key).isEmpty());
    }

    @Test
    void aChangeMadeElsewhereIsSeenWithinTheCacheTtl() throws Exception {
        String key = generate("{}");
        assertTrue(present(key).isPresent());
        // another replica blocks it: the database changes, this replica's cache is not told
        store.update(VirtualKeys.token(key), Map.of("blocked", true), clock.instant(), "other-replica");
        assertTrue(present(key).isPresent(), "served from the cache until it expires");
        tickerNanos.addAndGet(dev.sluice.core.store.RowCache.REFRESH.toNanos());
        assertEquals(401, assertThrows(GatewayException.class, () -> present(key)).status());
    }
}
