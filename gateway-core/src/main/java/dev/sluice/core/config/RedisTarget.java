package dev.sluice.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The Redis the replicas share their limits and announcements through: LiteLLM's
 * {@code router_settings.redis_url} / {@code redis_host}, {@code redis_port},
 * {@code redis_password}; else the cache's Redis ({@code cache_params} of {@code type: redis});
 * else {@code REDIS_URL} / {@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_PASSWORD}.
 *
 * @param url      a {@code redis://} or {@code rediss://} URL, if given
 * @param host     the host, when no URL is given
 * @param port     the port
 * @param password the password, if any
 */
public record RedisTarget(Optional<String> url, String host, int port, Optional<String> password) {

    /** @throws NullPointerException if a part is null */
    public RedisTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(password, "password");
    }

    /** @return the target as a URL, for logs: the password left out */
    public String describe() {
        return url.map(value -> value.replaceAll("//[^@/]*@", "//***@")).orElse("redis://" + host + ":" + port);
    }
}
