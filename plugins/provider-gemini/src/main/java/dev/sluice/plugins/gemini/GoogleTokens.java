package dev.sluice.plugins.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google OAuth 2.0 access tokens for Vertex AI from a service account key, by the JWT bearer
 * grant Google documents for server-to-server calls: a JWT naming the account, the
 * {@value #SCOPE} scope and the key's {@code token_uri}, signed RS256 with the account's private
 * key, exchanged at {@code token_uri}. The key comes from {@code vertex_credentials} (the key
 * file's JSON, or a path to it) or {@code GOOGLE_APPLICATION_CREDENTIALS}. A token is kept until
 * five minutes before it expires.
 */
final class GoogleTokens {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    String tokenFor(ProviderContext context) {
        JsonNode account = serviceAccount(context.deployment(), context.json());
        String email = account.path("client_email").asText("");
        Token token = tokens.get(email);
        if (token == null || System.currentTimeMillis() > token.refreshAtMillis()) {
            token = exchange(account, context);
            tokens.put(email, token);
        }
        return token.value();
    }

    private static JsonNode serviceAccount(Deployment deployment, ObjectMapper json) {
        String credentials = Optional.ofNullable(deployment.extraParams().get("vertex_credentials"))
                .filter(JsonNode::isTextual).map(JsonNode::asText)
                .or(() -> Optional.ofNullable(System.getenv("GOOGLE_APPLICATION_CREDENTIALS")))
                .filter(value -> !value.isBlank())
                .orElseThrow(() -> new GatewayException(ErrorKind.AUTHENTICATION, 401, "Deployment '" + deployment.id()
                        + "' has no Vertex AI credentials: set vertex_credentials to a service account key (its JSON "
                        + "or a path to it), or GOOGLE_APPLICATION_CREDENTIALS.", null, null, null, null));
        try {
            String text = credentials.trim().startsWith("{") ? credentials : Files.readString(Path.of(credentials));
            JsonNode account = json.readTree(text);
            if (!account.path("private_key").isTextual() || !account.path("client_email").isTextual()) {
                throw new IOException("not a service account key");
            }
            return account;
        } catch (IOException | RuntimeException e) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Deployment '" + deployment.id() + "': "
                    + "vertex_credentials is not a readable service account key (" + e.getClass().getSimpleName()
                    + ").", null, null, null, null);
        }
    }

    private static Token exchange(JsonNode account, ProviderContext context) {
        String tokenUri = account.path("token_uri").asText("https://oauth2.googleapis.com/token");
        long now = System.currentTimeMillis() / 1000;
        String header = base64Url(context.json().createObjectNode().put("alg", "RS256").put("typ", "JWT")
                .put("kid", account.path("private_key_id").asText()).toString());
        String claims = base64Url(context.json().createObjectNode().put("iss", account.path("client_email").asText())
                .put("scope", SCOPE).put("aud", tokenUri).put("iat", now).put("exp", now + LIFETIME.toSeconds()).toString());
        String assertion = header + "." + claims + "." + sign(header + "." + claims, account.path("private_key").asText());
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + assertion;
        UpstreamResponse response = context.transport().send(new UpstreamRequest("POST", URI.create(tokenUri),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), form.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(30)));
        JsonNode answer;
        try {
            answer = context.json().readTree(response.body());
        } catch (IOException e) {
            answer = context.json().missingNode();
        }
        if (response.status() != 200 || !answer.path("access_token").isTextual()) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "vertex_ai: Google refused the service account "
                    + account.path("client_email").asText() + " (HTTP " + response.status() + "): "
                    + answer.path("error_description").asText(answer.path("error").asText("no token in the answer")),
                    null, null, null, null);
        }
        long lifetime = answer.path("expires_in").asLong(LIFETIME.toSeconds()) * 1000;
        return new Token(answer.path("access_token").asText(),
                System.currentTimeMillis() + Math.max(0, lifetime - MARGIN.toMillis()));
    }

    private static String sign(String content, String privateKeyPem) {
        try {
            String base64 = privateKeyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(content.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "vertex_ai: the service account's private_key "
                    + "cannot sign (" + e.getClass().getSimpleName() + ").", null, null, null, null);
        }
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private record Token(String value, long refreshAtMillis) {
    }
}
