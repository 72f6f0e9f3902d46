package dev.sluice.plugins.virtualkeys;

import dev.sluice.api.AuthStrategy;
import dev.sluice.api.Credentials;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HostServices;
import dev.sluice.api.KeyDirectory;
import dev.sluice.api.Principal;
import dev.sluice.api.StoredKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Accepts the gateway's virtual keys ({@code sk-...}, as LiteLLM issues them): hashes the key
 * presented, looks the hash up in the gateway's key directory (its in-process cache), and refuses
 * blocked and expired keys as LiteLLM does. A key the directory does not hold is left to other
 * strategies.
 */
@Extension
public final class VirtualKeyStrategy implements AuthStrategy {

    private volatile KeyDirectory keys;
    private volatile Clock clock = Clock.systemUTC();

    @Override
    public String name() {
        return "virtual-key";
    }

    @Override
    public int weight() {
        return 500;
    }

    @Override
    public void start(HostServices host) {
        this.keys = host.keys();
        this.clock = host.clock();
    }

    @Override
    public Optional<Principal> authenticate(Credentials credentials) {
        KeyDirectory directory = keys;
        Optional<String> presented = credentials.apiKey().map(secret -> secret.value()).filter(k -> k.startsWith("sk-"));
        if (directory == null || presented.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredKey> found = directory.find(sha256(presented.get()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StoredKey key = found.get();
        if (key.blocked()) {
            throw GatewayException.unauthenticated("Authentication Error - this key (" + key.keyName()
                    + ") is blocked. An admin can unblock it with /key/unblock.");
        }
        if (key.expiredAt(clock.instant())) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, "expired_key", 401, "Authentication Error - "
                    + "expired key (" + key.keyName() + "): it expired at " + key.expires().orElseThrow()
                    + ". Ask for a new key or extend this one with /key/update.", null, null, null, null);
        }
        return Optional.of(new Principal(key.token(), key.role(), key.keyAlias(), key.userId(), key.teamId(),
                key.models(), key.metadata()));
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
