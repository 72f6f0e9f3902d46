package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured upstream deployment: an entry of {@code model_list} in LiteLLM's config.
 *
 * @param id            the stable deployment id ({@code model_info.id}, generated when absent)
 * @param modelGroup    the public name callers use ({@code model_name})
 * @param provider      the provider prefix of {@code litellm_params.model}, e.g. {@code openai}
 * @param providerModel the vendor's model name after the prefix, e.g. {@code gpt-4o-mini}
 * @param apiBase       {@code api_base}, if set; adapters fall back to their vendor's default
 * @param apiKey        {@code api_key}, if set
 * @param apiVersion    {@code api_version}, if set
 * @param timeout       {@code timeout} for a whole non-streamed call
 * @param streamTimeout {@code stream_timeout}: the longest wait for the next streamed chunk
 * @param extraHeaders  {@code extra_headers} to send upstream
 * @param extraParams   every other {@code litellm_params} key, for the adapter to use or pass on
 * @param modelInfo     the {@code model_info} object, custom keys included
 */
public record Deployment(String id, String modelGroup, String provider, String providerModel,
                         Optional<String> apiBase, Optional<Secret> apiKey, Optional<String> apiVersion,
                         Duration timeout, Duration streamTimeout, Map<String, String> extraHeaders,
                         ObjectNode extraParams, ObjectNode modelInfo) {

    /** Copies the maps and rejects missing parts. */
    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modelGroup, "modelGroup");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(providerModel, "providerModel");
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(streamTimeout, "streamTimeout");
        extraHeaders = Map.copyOf(extraHeaders);
        Objects.requireNonNull(extraParams, "extraParams");
        Objects.requireNonNull(modelInfo, "modelInfo");
    }

    /** @return {@code provider/providerModel}, as written in the config */
    public String qualifiedModel() {
        return provider + "/" + providerModel;
    }
}
