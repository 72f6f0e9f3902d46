package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ModelRequest.Operation;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The response cache: LiteLLM's {@code litellm_settings.cache} and {@code cache_params}.
 *
 * @param enabled    {@code cache: true}
 * @param type       {@code cache_params.type}: {@code local} (in process) or {@code redis} (in process, then Redis)
 * @param params     {@code cache_params} as given, with {@code REDIS_*} variables filled in, for the backends
 * @param ttl        {@code cache_params.ttl}: how long an answer is kept ({@value #DEFAULT_TTL_SECONDS} s unless set)
 * @param namespace  {@code cache_params.namespace}: a prefix of every key, if set
 * @param operations the operations cached ({@code supported_call_types})
 * @param defaultOn  {@code mode: default_on}; with {@code default_off} only requests that ask
 *                   ({@code cache: {"use-cache": true}}) use the cache
 * @param scope      {@code cache_params.scope}, Sluice's: {@code team} (the caller's team, else its
 *                   key; the default), {@code key}, or {@code global} (every caller shares answers)
 * @param shareInFlight {@code cache_params.share_in_flight}, Sluice's: identical whole-answer
 *                   requests arriving while the first is upstream wait for its answer (default true)
 * @param localTier  {@code cache_params.local_tier}, Sluice's: with {@code type: redis}, whether
 *                   answers are kept in process too (default true); false reads Redis on every
 *                   lookup, as LiteLLM's redis cache does
 */
public record CacheSettings(boolean enabled, String type, ObjectNode params, Duration ttl, String namespace,
                            Set<Operation> operations, boolean defaultOn, String scope, boolean shareInFlight,
                            boolean localTier) {

    /** The time to live of a cached answer when {@code cache_params.ttl} is not set. */
    public static final long DEFAULT_TTL_SECONDS = 600;

    /** Copies the set. */
    public CacheSettings {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(namespace, "namespace");
        operations = Set.copyOf(operations);
        Objects.requireNonNull(scope, "scope");
    }
}
