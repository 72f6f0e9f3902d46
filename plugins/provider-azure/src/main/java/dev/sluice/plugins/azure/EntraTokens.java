package dev.sluice.plugins.azure;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Microsoft Entra ID access tokens for Azure OpenAI, by the OAuth 2.0 client-credentials grant
 * ({@code tenant_id}, {@code client_id}, {@code client_secret} in {@code litellm_params}, or
 * {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET}), from
 * {@code azure_authority_host} (default {@value #AUTHORITY}). A token is kept until five minutes
 * before it expires, so calls do not each pay a token request.
 */
final class EntraTokens {

    static final String AUTHORITY = "https://login.microsoftonline.com";
    private static final String SCOPE = "https://cognitiveservices.azure.com/.default";
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /** @return a bearer token for the deployment, if it is configured for Entra ID client credentials */
    Optional<String> tokenFor(ProviderContext context) {
        Deployment deployment = context.deployment();
        Optional<String> tenant = setting(deployment, "tenant_id", "AZURE_TENANT_ID");
        Optional<String> client = setting(deployment, "client_id", "AZURE_CLIENT_ID");
        Optional<String> secret = setting(deployment, "client_secret", "AZURE_CLIENT_SECRET");
        if (tenant.isEmpty() || client.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        String authority = setting(deployment, "azure_authority_host", "AZURE_AUTHORITY_HOST").orElse(AUTHORITY);
        String cacheKey = authority + "|" + tenant.get() + "|" + client.get();
        Token token = tokens.get(cacheKey);
        if (token == null || System.currentTimeMillis() > token.refreshAtMillis()) {
            token = fetch(context, authority, tenant.get(), client.get(), secret.get());
            tokens.put(cacheKey, token);
        }
        return Optional.of(token.value());
    }

    private static Token fetch(ProviderContext context, String authority, String tenant, String client, String secret) {
        String form = "grant_type=client_credentials&client_id=" + encode(client) + "&client_secret=" + encode(secret)
                + "&scope=" + encode(SCOPE);
        URI uri = URI.create(authority.replaceAll("/+$", "") + "/" + encode(tenant) + "/oauth2/v2.0/token");
        UpstreamResponse response = context.transport().send(new UpstreamRequest("POST", uri,
                Map.of("Content-Type", "application/x-www-form-urlencoded"), form.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(30)));
        JsonNode answer;
        try {
            answer = context.json().readTree(response.body());
        } catch (IOException e) {
            answer = context.json().missingNode();
        }
        if (response.status() != 200 || !answer.path("access_token").isTextual()) {
            // Entra's error_description names the problem (bad secret, unknown client) and never echoes the secret.
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "azure: could not get an Entra ID token for "
                    + "client " + client + " (HTTP " + response.status() + "): "
                    + answer.path("error_description").asText(answer.path("error").asText("no token in the answer")),
                    null, null, null, null);
        }
        long lifetime = answer.path("expires_in").asLong(3600) * 1000;
        return new Token(answer.path("access_token").asText(),
                System.currentTimeMillis() + Math.max(0, lifetime - MARGIN.toMillis()));
    }

    private static Optional<String> setting(Deployment deployment, String param, String variable) {
        JsonNode value = deployment.extraParams().get(param);
        if (value != null && value.isTextual() && !value.asText().isBlank()) {
            return Optional.of(value.asText());
        }
        return Optional.ofNullable(System.getenv(variable)).filter(text -> !text.isBlank());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private record Token(String value, long refreshAtMillis) {
    }
}
