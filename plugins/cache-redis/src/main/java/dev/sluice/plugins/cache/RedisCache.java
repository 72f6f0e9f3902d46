package dev.sluice.plugins.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.CacheBackend;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The shared tier ({@code cache_params.type: redis}) through Lettuce: standalone Redis
 * ({@code url}, or {@code host}, {@code port}, {@code username}, {@code password}, {@code ssl}),
 * Sentinel ({@code service_name} with {@code sentinel_nodes}) or Cluster
 * ({@code redis_startup_nodes}). It connects on first use and again after a failure, at most
 * once a second, so a Redis that is down neither stops the gateway from starting nor slows every
 * call; while it is down, calls throw (quickly, after {@code redis_timeout}, default 0.5 s) and
 * the gateway answers without the shared tier.
 */
@Extension
public final class RedisCache implements CacheBackend {

    static {
        // Lettuce's Java Flight Recorder events find their classes through the thread's context
        // class loader, which in a plugin is the gateway's, not this plugin's: their constructors
        // then refuse the plugin's arguments and every connect fails. Without JFR events it works.
        if (System.getProperty("io.lettuce.core.jfr") == null) {
            System.setProperty("io.lettuce.core.jfr", "false");
        }
    }

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final long RECONNECT_INTERVAL_MILLIS = 1000;

    private volatile Settings settings;
    private volatile Commands commands;
    private volatile long lastAttemptMillis;
    private ClientResources resources;

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public void configure(JsonNode params) {
        settings = Settings.of(params);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(commands().get(key));
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        commands().set(key, value, Math.max(1, ttl.toMillis()));
    }

    @Override
    public void delete(String key) {
        commands().del(key);
    }

    @Override
    public synchronized void close() {
        if (commands != null) {
            commands.close();
            commands = null;
        }
        if (resources != null) {
            resources.shutdown();
            resources = null;
        }
    }

    private Commands commands() {
        Commands current = commands;
        if (current != null && current.isOpen()) {
            return current;
        }
        return connect();
    }

    private synchronized Commands connect() {
        if (commands != null && commands.isOpen()) {
            return commands;
        }
        long now = System.currentTimeMillis();
        if (now - lastAttemptMillis < RECONNECT_INTERVAL_MILLIS) {
            throw new IllegalStateException("Redis is unreachable; the next attempt to connect is within a second");
        }
        lastAttemptMillis = now;
        Settings current = settings != null ? settings : Settings.of(com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode());
        if (resources == null) {
            // Lettuce backs reconnects off to 30 s by default; a cache should be back within a
            // second of Redis, and one attempt a second costs nothing.
            resources = ClientResources.builder()
                    .reconnectDelay(io.lettuce.core.resource.Delay.constant(java.time.Duration.ofSeconds(1))).build();
        }
        commands = current.cluster()
                ? Commands.cluster(RedisClusterClient.create(resources, current.uris()), current.timeout())
                : Commands.single(RedisClient.create(resources, current.uris().getFirst()), current.timeout());
        return commands;
    }

    /** The few commands this cache needs, over a single node's or a cluster's connection. */
    private record Commands(StatefulConnection<String, byte[]> connection, RedisClusterCommands<String, byte[]> sync) {

        static Commands single(RedisClient client, Duration timeout) {
            client.setOptions(ClientOptions.builder().socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            var connection = client.connect(CODEC);
            return new Commands(connection, connection.sync()); // a node's commands are a cluster's and more
        }

        static Commands cluster(RedisClusterClient client, Duration timeout) {
            client.setOptions(ClusterClientOptions.builder()
                    .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            var connection = client.connect(CODEC);
            return new Commands(connection, connection.sync());
        }

        boolean isOpen() {
            return connection.isOpen();
        }

        byte[] get(String key) {
            return sync.get(key);
        }

        void set(String key, byte[] value, long ttlMillis) {
            sync.set(key, value, SetArgs.Builder.px(ttlMillis));
        }

        void del(String key) {
            sync.del(key);
        }

        void close() {
            connection.close();
        }
    }

    /** Where Redis is, from {@code cache_params}. */
    record Settings(List<RedisURI> uris, boolean cluster, Duration timeout) {

        static Settings of(JsonNode params) {
            Duration timeout = Duration.ofMillis(Math.round(params.path("redis_timeout").asDouble(0.5) * 1000));
            if (params.path("redis_startup_nodes").isArray() && !params.path("redis_startup_nodes").isEmpty()) {
                List<RedisURI> nodes = new ArrayList<>();
                for (JsonNode node : params.path("redis_startup_nodes")) {
                    nodes.add(withAuth(RedisURI.builder().withHost(node.path("host").asText("127.0.0.1"))
                            .withPort(node.path("port").asInt(6379)), params, timeout).build());
                }
                return new Settings(nodes, true, timeout);
            }
            String url = text(params, "url").or(() -> text(params, "redis_url")).orElse(null);
            if (url != null) {
                try {
                    RedisURI uri = RedisURI.create(url);
                    uri.setTimeout(timeout);
                    return new Settings(List.of(uri), false, timeout);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("url: not a Redis URL (redis://[user:password@]host:port[/db], "
                            + "rediss:// for TLS)");
                }
            }
            RedisURI.Builder builder;
            if (params.path("service_name").isTextual() && params.path("sentinel_nodes").isArray()) {
                builder = RedisURI.builder();
                for (JsonNode node : params.path("sentinel_nodes")) {
                    builder.withSentinel(node.isArray() ? node.path(0).asText() : node.path("host").asText(),
                            node.isArray() ? node.path(1).asInt(26379) : node.path("port").asInt(26379));
                }
                builder.withSentinelMasterId(params.path("service_name").asText());
            } else {
                builder = RedisURI.builder().withHost(text(params, "host").orElse("127.0.0.1"))
                        .withPort(params.path("port").asInt(6379));
            }
            return new Settings(List.of(withAuth(builder, params, timeout).build()), false, timeout);
        }

        private static RedisURI.Builder withAuth(RedisURI.Builder builder, JsonNode params, Duration timeout) {
            Optional<String> password = text(params, "password");
            if (password.isPresent()) {
                Optional<String> username = text(params, "username");
                if (username.isPresent()) {
                    builder.withAuthentication(username.get(), password.get().toCharArray());
                } else {
                    builder.withPassword(password.get().toCharArray());
                }
            }
            if (params.path("ssl").asBoolean(false)) {
                builder.withSsl(true);
            }
            return builder.withTimeout(timeout);
        }

        private static Optional<String> text(JsonNode params, String name) {
            JsonNode value = params.get(name);
            return value != null && !value.isNull() && !value.asText().isBlank() ? Optional.of(value.asText())
                    : Optional.empty();
        }
    }
}
