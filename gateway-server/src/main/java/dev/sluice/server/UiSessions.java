package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The admin UI's sessions: a cookie holding who logged in and until when, signed with an HMAC
 * whose key is derived from the master key, so every replica that shares the master key accepts
 * it and none needs a session store. State-changing calls also need the session's CSRF token in
 * {@value #CSRF_HEADER}, derived from the same secret: another site can make a browser send the
 * cookie, never read the token. Logging out ends the session for good, not just in the browser:
 * its id (the nonce) is remembered as ended until the session would have expired, here and, through
 * the replicas' change channel, on every replica.
 */
final class UiSessions {

    static final String COOKIE = "sluice_session";
    static final String CSRF_HEADER = "x-csrf-token";
    static final Duration LIFETIME = Duration.ofHours(8);

    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final byte[] secret;
    private final ObjectMapper json;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Sessions logged out, by nonce, with when they would have expired. */
    private final Map<String, Long> ended = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param masterKey the master key; without one a random secret (sessions then last as long as
     *                  the process, and are not shared by replicas)
     */
    UiSessions(Optional<Secret> masterKey, ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
        if (masterKey.isPresent()) {
            this.secret = sha256("sluice-ui-session\0" + masterKey.get().value());
        } else {
            this.secret = new byte[32];
            random.nextBytes(this.secret);
        }
    }

    /**
     * A logged-in caller and the token its state-changing calls must carry.
     *
     * @param byVirtualKey whether it logged in with a virtual key (whose subject is the key's
     *                     token), which must still be valid at every call
     */
    record Session(Principal principal, String csrfToken, boolean byVirtualKey) {
    }

    /**
     * @param byVirtualKey whether the caller logged in with a virtual key
     * @return the cookie value of a new session for this caller
     */
    String issue(Principal principal, boolean byVirtualKey) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        ObjectNode claims = json.createObjectNode()
                .put("sub", principal.subject())
                .put("role", principal.role().name())
                .put("exp", clock.millis() + LIFETIME.toMillis())
                .put("nonce", ENCODE.encodeToString(nonce))
                .put("key", byVirtualKey);
        principal.keyAlias().ifPresent(alias -> claims.put("alias", alias));
        principal.userId().ifPresent(user -> claims.put("user", user));
        principal.teamId().ifPresent(team -> claims.put("team", team));
        principal.allowedModels().forEach(model -> claims.withArray("models").add(model));
        String body = ENCODE.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + ENCODE.encodeToString(hmac(body));
    }

    /** @return the session of a cookie value, if it is signed here and not expired */
    Optional<Session> read(String cookie) {
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String body = cookie.substring(0, dot);
        byte[] signature;
        try {
            signature = DECODE.decode(cookie.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, hmac(body))) {
            return Optional.empty();
        }
        try {
            JsonNode claims = json.readTree(DECODE.decode(body));
            if (claims.path("exp").asLong() < clock.millis() || ended.containsKey(claims.path("nonce").asText())) {
                return Optional.empty();
            }
            Set<String> models = new HashSet<>();
            claims.path("models").forEach(model -> models.add(model.asText()));
            Map<String, String> metadata = new HashMap<>();
            Principal principal = new Principal(claims.path("sub").asText(), Role.valueOf(claims.path("role").asText()),
                    text(claims, "alias"), text(claims, "user"), text(claims, "team"), models, metadata);
            return Optional.of(new Session(principal, csrfToken(claims.path("nonce").asText()),
                    claims.path("key").asBoolean()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Ends the cookie's session, if it is one of ours.
     *
     * @return the session's id, to tell the other replicas
     */
    Optional<String> end(String cookie) {
        if (read(cookie).isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode claims = json.readTree(DECODE.decode(cookie.substring(0, cookie.indexOf('.'))));
            String id = claims.path("nonce").asText();
            ended(id, claims.path("exp").asLong());
            return Optional.of(id);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Ends a session another replica logged out. */
    void endedElsewhere(String id) {
        ended(id, clock.millis() + LIFETIME.toMillis());
    }

    private void ended(String id, long expiresAt) {
        long now = clock.millis();
        ended.values().removeIf(expiry -> expiry < now); // forgotten once they would have expired anyway
        ended.put(id, expiresAt);
    }

    /** @return the CSRF token of a cookie issued here */
    String csrfTokenOf(String cookie) {
        return read(cookie).map(Session::csrfToken).orElseThrow();
    }

    private String csrfToken(String nonce) {
        return ENCODE.encodeToString(hmac("csrf:" + nonce));
    }

    private static Optional<String> text(JsonNode claims, String field) {
        return claims.hasNonNull(field) ? Optional.of(claims.path(field).asText()) : Optional.empty();
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
