package dev.sluice.core.config;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The pass-through routes: LiteLLM's vendor routes, each with its provider key and base from the
 * environment as LiteLLM reads them, then {@code general_settings.pass_through_endpoints}.
 */
final class PassThroughReader {

    /** Caller headers a vendor route passes on besides the body's type: the vendors' own protocol headers. */
    private static final List<String> VENDOR_HEADERS = List.of("content-type", "accept", "anthropic-version",
            "anthropic-beta", "openai-beta", "openai-organization", "openai-project", "x-goog-api-client");

    private PassThroughReader() {
    }

    static List<PassThroughEndpoint> read(ConfigNode general, Map<String, String> env) {
        List<PassThroughEndpoint> endpoints = new ArrayList<>();
        Optional<String> openAiKey = variable(env, "OPENAI_API_KEY");
        URI openAi = base(env, "OPENAI_API_BASE", "https://api.openai.com");
        for (String prefix : List.of("/openai_passthrough", "/openai")) {
            endpoints.add(vendor(prefix, openAi, "openai", openAiKey.map(key -> Map.of("Authorization", "Bearer " + key)),
                    Optional.empty(), "OPENAI_API_KEY"));
        }
        endpoints.add(vendor("/anthropic", base(env, "ANTHROPIC_API_BASE", "https://api.anthropic.com"), "anthropic",
                variable(env, "ANTHROPIC_API_KEY").map(key -> Map.of("x-api-key", key)), Optional.empty(),
                "ANTHROPIC_API_KEY"));
        endpoints.add(vendor("/gemini", base(env, "GEMINI_API_BASE", "https://generativelanguage.googleapis.com"),
                "gemini", variable(env, "GEMINI_API_KEY").map(key -> Map.of("x-goog-api-key", key)), Optional.of("key"),
                "GEMINI_API_KEY"));
        endpoints.add(vendor("/cohere", base(env, "COHERE_API_BASE", "https://api.cohere.com"), "cohere",
                variable(env, "COHERE_API_KEY").map(key -> Map.of("Authorization", "Bearer " + key)), Optional.empty(),
                "COHERE_API_KEY"));
        endpoints.add(bedrock(env));
        ConfigNode configured = general.get("pass_through_endpoints");
        int index = 0;
        for (ConfigNode entry : configured.list()) {
            endpoints.add(configured(entry, index++, env));
        }
        return endpoints;
    }

    private static PassThroughEndpoint vendor(String prefix, URI base, String vendor,
                                              Optional<Map<String, String>> credentials,
                                              Optional<String> keyParameter, String variable) {
        return new PassThroughEndpoint(prefix, base, credentials.orElse(Map.of()), keyParameter, VENDOR_HEADERS, true,
                true, BigDecimal.ZERO, Optional.of(vendor),
                credentials.isPresent() ? Optional.empty() : Optional.of(variable), Optional.empty(), Map.of());
    }

    /**
     * {@code /bedrock}: to the Bedrock runtime of {@code AWS_REGION_NAME} (else {@code AWS_REGION},
     * {@code AWS_DEFAULT_REGION}, us-east-1) or {@code AWS_BEDROCK_RUNTIME_ENDPOINT}, each request
     * signed by the Bedrock plugin with the environment's AWS credentials or Bedrock API key.
     */
    private static PassThroughEndpoint bedrock(Map<String, String> env) {
        String region = variable(env, "AWS_REGION_NAME").or(() -> variable(env, "AWS_REGION"))
                .or(() -> variable(env, "AWS_DEFAULT_REGION")).orElse("us-east-1");
        URI base = base(env, "AWS_BEDROCK_RUNTIME_ENDPOINT", "https://bedrock-runtime." + region + ".amazonaws.com");
        Map<String, String> settings = new HashMap<>(Map.of("aws_region_name", region));
        variable(env, "AWS_ACCESS_KEY_ID").ifPresent(value -> settings.put("aws_access_key_id", value));
        variable(env, "AWS_SECRET_ACCESS_KEY").ifPresent(value -> settings.put("aws_secret_access_key", value));
        variable(env, "AWS_SESSION_TOKEN").ifPresent(value -> settings.put("aws_session_token", value));
        variable(env, "AWS_BEARER_TOKEN_BEDROCK").ifPresent(value -> settings.put("api_key", value));
        boolean credentials = settings.containsKey("aws_access_key_id") || settings.containsKey("api_key");
        return new PassThroughEndpoint("/bedrock", base, Map.of(), Optional.empty(),
                List.of("content-type", "accept"), true, true, BigDecimal.ZERO, Optional.of("bedrock"),
                credentials ? Optional.empty() : Optional.of("AWS_ACCESS_KEY_ID"), Optional.of("bedrock"), settings);
    }

    private static final java.util.regex.Pattern VARIABLE =
            java.util.regex.Pattern.compile("os\\.environ/([A-Za-z_][A-Za-z0-9_]*)");

    /** LiteLLM resolves {@code os.environ/NAME} inside header values too ({@code "Bearer os.environ/KEY"}). */
    private static String withVariables(String value, Map<String, String> env, String path) {
        java.util.regex.Matcher matcher = VARIABLE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String variable = env.get(matcher.group(1));
            if (variable == null) {
                throw new ConfigException(path, "environment variable " + matcher.group(1) + " is not set");
            }
            matcher.appendReplacement(resolved, java.util.regex.Matcher.quoteReplacement(variable));
        }
        return matcher.appendTail(resolved).toString();
    }

    private static PassThroughEndpoint configured(ConfigNode entry, int index, Map<String, String> env) {
        String path = entry.get("path").requiredText("the route, e.g. /v1/rerank");
        if (!path.startsWith("/") || path.contains("?") || path.contains("*") || path.equals("/")) {
            throw entry.get("path").invalid("expected a path such as /v1/rerank (a prefix; include_subpath serves "
                    + "the paths under it)");
        }
        String target = entry.get("target").requiredText("the URL to forward to, e.g. https://api.cohere.com/v1/rerank");
        URI uri;
        try {
            uri = URI.create(target);
        } catch (IllegalArgumentException e) {
            throw entry.get("target").invalid("expected an http(s) URL, got '" + target + "'");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw entry.get("target").invalid("expected an http(s) URL, got '" + target + "'");
        }
        Map<String, String> headers = new HashMap<>();
        entry.get("headers").fields().forEachRemaining(header -> {
            if (!header.getValue().isValueNode()) {
                throw new ConfigException("general_settings.pass_through_endpoints[" + index + "].headers."
                        + header.getKey(), "expected a string");
            }
            headers.put(header.getKey(), withVariables(header.getValue().asText(), env,
                    "general_settings.pass_through_endpoints[" + index + "].headers." + header.getKey()));
        });
        boolean forwardHeaders = entry.get("forward_headers").bool().orElse(false);
        List<String> forwarded = forwardHeaders ? List.of("*") : List.of("content-type", "accept");
        BigDecimal cost = entry.get("cost_per_request").nonNegative().map(BigDecimal::valueOf).orElse(BigDecimal.ZERO);
        return new PassThroughEndpoint(path.replaceAll("/+$", ""), uri, headers, Optional.empty(), forwarded,
                entry.get("include_subpath").bool().orElse(false), entry.get("auth").bool().orElse(true), cost,
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    private static Optional<String> variable(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static URI base(Map<String, String> env, String name, String fallback) {
        String base = variable(env, name).orElse(fallback).replaceAll("/+$", "");
        URI uri = URI.create(base);
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
            throw new ConfigException(name, "expected an http(s) URL, got '" + base + "'");
        }
        return uri;
    }
}
