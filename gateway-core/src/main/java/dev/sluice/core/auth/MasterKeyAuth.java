package dev.sluice.core.auth;

import dev.sluice.api.AuthStrategy;
import dev.sluice.api.Credentials;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts the master key ({@code general_settings.master_key}) as {@link Role#PROXY_ADMIN}. The
 * comparison is of SHA-256 digests with {@link MessageDigest#isEqual}, in constant time whatever
 * the presented key's length or content.
 */
public final class MasterKeyAuth implements AuthStrategy {

    /** The principal of the master key. LiteLLM calls its user {@code default_user_id}. */
    public static final Principal MASTER = new Principal("master_key", Role.PROXY_ADMIN, Optional.empty(),
            Optional.of("default_user_id"), Optional.empty(), Set.of(), Map.of());

    private final byte[] masterKeyDigest;

    /** @param masterKey the master key */
    public MasterKeyAuth(Secret masterKey) {
        this.masterKeyDigest = sha256(masterKey.value());
    }

    @Override
    public String name() {
        return "master-key";
    }

    @Override
    public int weight() {
        return 1000;
    }

    @Override
    public Optional<Principal> authenticate(Credentials credentials) {
        return credentials.apiKey()
                .filter(key -> MessageDigest.isEqual(masterKeyDigest, sha256(key.value())))
                .map(key -> MASTER);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
