package dev.sluice.core.config;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A route the gateway forwards as it is, untranslated, to a vendor's API or any HTTP service: the
 * vendor routes LiteLLM serves ({@code /openai}, {@code /anthropic}, {@code /gemini},
 * {@code /cohere}, with the provider key from the environment) and the ones
 * {@code general_settings.pass_through_endpoints} lists.
 *
 * @param path           the route prefix, e.g. {@code /anthropic} or {@code /v1/rerank}
 * @param target         where it goes: the path under the prefix is appended to it (with
 *                       {@code includeSubpath}, or always for a vendor route)
 * @param headers        headers the gateway adds (the provider's credentials), values resolved
 * @param keyParameter   a query parameter a caller may put its key of the gateway in ({@code key}
 *                       on Gemini's route, as Google's SDKs do): read, and never forwarded (the
 *                       provider key goes in a header, never in a URL, where logs would keep it)
 * @param forwarded      the caller's headers passed on (lower case); the caller's credentials never are
 * @param includeSubpath whether paths under {@code path} are served too
 * @param auth           whether callers must present a key of the gateway (a virtual key)
 * @param costPerRequest what a call costs, when the service reports no usage the gateway can price
 * @param vendor         the vendor whose answers carry usage the gateway reads and prices
 *                       ({@code openai}, {@code anthropic}, {@code gemini}, {@code cohere}), if any
 * @param missingKey     the environment variable to set when the vendor's key is not configured
 * @param signedBy       the provider whose plugin authorizes each request ({@code bedrock}: SigV4),
 *                       with {@code signerSettings} as its deployment's {@code litellm_params}
 * @param signerSettings the settings the signing plugin reads as {@code litellm_params} (e.g.
 *                       {@code aws_region_name}, the AWS credentials), {@code api_key} as the key
 */
public record PassThroughEndpoint(String path, URI target, Map<String, String> headers,
                                  Optional<String> keyParameter, List<String> forwarded,
                                  boolean includeSubpath, boolean auth, BigDecimal costPerRequest,
                                  Optional<String> vendor, Optional<String> missingKey, Optional<String> signedBy,
                                  Map<String, String> signerSettings) {

    /** Copies the collections. */
    public PassThroughEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        forwarded = List.copyOf(forwarded);
        Objects.requireNonNull(costPerRequest, "costPerRequest");
        signerSettings = Map.copyOf(signerSettings);
    }

    /** Never shows the headers' values: they hold provider keys. */
    @Override
    public String toString() {
        return "PassThroughEndpoint[" + path + " -> " + target + "]";
    }
}
