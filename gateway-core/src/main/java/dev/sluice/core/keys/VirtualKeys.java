package dev.sluice.core.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Virtual keys as LiteLLM makes them: {@code sk-} and 22 URL-safe random characters (128 bits),
 * stored only as the SHA-256 hex of the whole key, shown in listings as {@code sk-...} and the
 * last four characters.
 */
public final class VirtualKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private VirtualKeys() {
    }

    /** @return a new key; show it once and keep only its {@link #token(String)} */
    public static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return the SHA-256 hex of a key: what the database stores */
    public static String token(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** @return whether the text is a token (64 lower-case hex characters) rather than a key */
    public static boolean isToken(String text) {
        return text.length() == 64 && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** @return the abbreviation listings show, e.g. {@code sk-...x9Qa} */
    public static String abbreviation(String key) {
        return "sk-..." + key.substring(Math.max(0, key.length() - 4));
    }
}
