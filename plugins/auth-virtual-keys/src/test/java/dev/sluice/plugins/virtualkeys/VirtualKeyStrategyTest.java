package dev.sluice.plugins.virtualkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Credentials;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HostServices;
import dev.sluice.api.KeyDirectory;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import dev.sluice.api.StoredKey;
import dev.sluice.testkit.ManualClock;
import dev.sluice.testkit.TestHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VirtualKeyStrategyTest {


    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final Map<String, StoredKey> stored = new HashMap<>();
    private final VirtualKeyStrategy strategy = new VirtualKeyStrategy();

    @BeforeEach
    void start() {
        strategy.start(new HostServices() {
            @Override
            public KeyDirectory keys() {
                return token -> Optional.ofNullable(stored.get(token));
            }

            @Override
            public Clock clock() {
                return clock;
            }
        });
    }

    @Test
    void aStoredKeyIsFoundByTheSha256OfWhatWasPresented() {
        String token = java.util.HexFormat.of().formatHex(sha256("sk-test-key-0001"));
        stored.put(token, key(token, false, null));
        Principal principal = strategy.authenticate(presenting("sk-test-key-0001")).orElseThrow();
        assertEquals(token, principal.subject());
        assertEquals(Role.INTERNAL_USER, principal.role());
        assertEquals(Set.of("priced"), principal.allowedModels());
        assertTrue(strategy.authenticate(presenting("sk-some-other-key")).isEmpty(), "unknown keys are left to others");
        assertTrue(strategy.authenticate(presenting("not-a-virtual-key")).isEmpty());
    }

    @Test
    void blockedAndExpiredKeysAreRefusedAsLiteLlmRefusesThem() {
        String token = java.util.HexFormat.of().formatHex(sha256("sk-test-key-0001"));
        stored.put(token, key(token, true, null));
        assertEquals(401, assertThrows(GatewayException.class,
                () -> strategy.authenticate(presenting("sk-test-key-0001"))).status());
        stored.put(token, key(token, false, clock.instant().plus(Duration.ofMinutes(1))));
        assertTrue(strategy.authenticate(presenting("sk-test-key-0001")).isPresent());
        clock.advance(Duration.ofMinutes(1));
        GatewayException expired = assertThrows(GatewayException.class,
                () -> strategy.authenticate(presenting("sk-test-key-0001")));
        assertEquals("expired_key", expired.type());
        assertTrue(!expired.getMessage().contains("sk-test-key-0001"), "the key itself never appears in errors");
    }

    @Test
    void withoutTheHostsDirectoryNothingIsRecognised() {
        assertTrue(new VirtualKeyStrategy().authenticate(presenting("sk-test-key-0001")).isEmpty());
    }

    private static StoredKey key(String token, boolean blocked, Instant expires) {
        return new StoredKey(token, "sk-...0001", Optional.empty(), Optional.of("ann"), Optional.empty(),
                Set.of("priced"), Map.of(), Role.INTERNAL_USER, blocked, Optional.ofNullable(expires));
    }

    private static Credentials presenting(String key) {
        return new Credentials(Optional.of(new Secret(key)), TestHeaders.none(), "127.0.0.1");
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
