package dev.sluice.core.shared;

import dev.sluice.core.config.RedisTarget;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis the replicas share state through: one connection for commands (Lettuce multiplexes
 * every virtual thread's commands over it) and one subscribed to the change channel. Commands
 * time out after {@value #TIMEOUT_MILLIS} ms; callers fall back to in-process state when they
 * throw, and {@link #healthy()} says whether the last command got through.
 */
public final class SharedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);
    static final long TIMEOUT_MILLIS = 500;

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisTarget target;
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    private volatile long lastFailedConnectMillis;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final Set<String> loadedScripts = ConcurrentHashMap.newKeySet();
    private boolean subscribeFailureLogged;
    private Thread retrier;
    private volatile boolean closed;

    private SharedRedis(RedisClient client, ClientResources resources, RedisTarget target) {
        this.client = client;
        this.resources = resources;
        this.target = target;
    }

    /** @return a client for the target; it connects on first use, so a Redis that is down does not stop start-up */
    public static SharedRedis to(RedisTarget target) {
        Duration timeout = Duration.ofMillis(TIMEOUT_MILLIS);
        RedisURI uri;
        if (target.url().isPresent()) {
            uri = RedisURI.create(target.url().get());
        } else {
            RedisURI.Builder builder = RedisURI.builder().withHost(target.host()).withPort(target.port());
            target.password().ifPresent(password -> builder.withPassword(password.toCharArray()));
            uri = builder.build();
        }
        uri.setTimeout(timeout);
        // Lettuce's reconnects back off to 30 s by default; a replica should find Redis again
        // within a second of its return, and one attempt a second costs nothing.
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofSeconds(1))).build();
        RedisClient client = RedisClient.create(resources, uri);
        // While disconnected, commands fail at once instead of queueing for the timeout: a Redis
        // outage must not add half a second to every call.
        client.setOptions(ClientOptions.builder().socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        return new SharedRedis(client, resources, target);
    }

    /** @return the commands, connecting if needed */
    public RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || !current.isOpen()) {
            synchronized (this) {
                current = connection;
                if (current == null || !current.isOpen()) {
                    if (System.currentTimeMillis() - lastFailedConnectMillis < 1000) {
                        throw new IllegalStateException("Redis is unreachable; the next attempt to connect is within a second");
                    }
                    try {
                        current = client.connect();
                    } catch (RuntimeException e) {
                        lastFailedConnectMillis = System.currentTimeMillis();
                        throw e;
                    }
                    connection = current;
                }
            }
        }
        return current.sync();
    }

    /**
     * Runs a command against Redis, noting whether Redis answered.
     *
     * @throws RuntimeException when Redis is unreachable or slow, for the caller to fall back
     */
    public <T> T run(java.util.function.Function<RedisCommands<String, String>, T> command) {
        try {
            T result = command.apply(commands());
            if (healthy.compareAndSet(false, true)) {
                LOG.info("Shared state: Redis at {} answers again; limits are shared across replicas again",
                        target.describe());
            }
            return result;
        } catch (RuntimeException e) {
            if (healthy.compareAndSet(true, false)) {
                LOG.warn("Shared state: Redis at {} failed ({}); limits are counted in this process until it is back",
                        target.describe(), e.toString());
            }
            throw e;
        }
    }

    /**
     * A Lua script, run by its SHA-1 so its text crosses the network once, not with every call.
     *
     * @param text the script
     * @param sha  its SHA-1, as Redis names it
     */
    public record Script(String text, String sha) {

        /** @return the script with its SHA-1 */
        public static Script of(String text) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Script(text, java.util.HexFormat.of().formatHex(digest));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-1", e);
            }
        }
    }

    /** Runs a script, waiting for its answer; loads it first if this Redis has not seen it. */
    public <T> T eval(Script script, io.lettuce.core.ScriptOutputType type, String[] keys, String... args) {
        return run(commands -> {
            try {
                T answer = commands.evalsha(script.sha(), type, keys, args);
                loadedScripts.add(script.sha());
                return answer;
            } catch (io.lettuce.core.RedisNoScriptException e) {
                T answer = commands.eval(script.text(), type, keys, args);
                loadedScripts.add(script.sha());
                return answer;
            }
        });
    }

    /**
     * Runs a script without waiting for it, for counts that need not hold up the call (the end of
     * a call, the settling of a budget); a failure is logged, and the count is lost to its TTL.
     * A script this connection has not run yet is sent whole: were it sent by SHA and resent
     * after Redis's NOSCRIPT, commands sent meanwhile (the next admission) would overtake it.
     */
    public void evalLater(Script script, String[] keys, String... args) {
        try {
            commands(); // connects if needed, or throws at once while Redis is known down
            var async = connection.async();
            if (!loadedScripts.contains(script.sha())) {
                async.eval(script.text(), io.lettuce.core.ScriptOutputType.INTEGER, keys, args)
                        .thenRun(() -> loadedScripts.add(script.sha()))
                        .exceptionally(failure -> deferredFailed(failure));
                return;
            }
            async.evalsha(script.sha(), io.lettuce.core.ScriptOutputType.INTEGER, keys, args)
                    .exceptionally(failure -> {
                        if (failure instanceof io.lettuce.core.RedisNoScriptException) {
                            loadedScripts.remove(script.sha()); // Redis restarted and lost its scripts
                            async.eval(script.text(), io.lettuce.core.ScriptOutputType.INTEGER, keys, args);
                            return null;
                        }
                        return deferredFailed(failure);
                    });
        } catch (RuntimeException e) {
            LOG.debug("A deferred Redis update was dropped: {}", e.toString());
        }
    }

    private static Void deferredFailed(Throwable failure) {
        LOG.debug("A deferred Redis update failed: {}", failure.toString());
        return null;
    }

    /** Publishes a message on a channel; a failure is logged, not thrown (the TTL of caches bounds staleness). */
    public void publish(String channel, String message) {
        try {
            run(commands -> commands.publish(channel, message));
        } catch (RuntimeException e) {
            // already logged by run(); other replicas see the change when their cache entry expires
        }
    }

    /**
     * Subscribes to a channel; messages are handed to the listener on Lettuce's thread. When Redis
     * cannot be reached the subscription is retried every second until it is; once made, Lettuce
     * renews it after every reconnect. Messages published while this replica is not subscribed
     * are lost: the caches they would have cleared expire on their own.
     */
    public synchronized void subscribe(String channel, Consumer<String> listener) {
        channels.put(channel, listener);
        if (!trySubscribe(channel) && retrier == null) {
            retrier = Thread.ofVirtual().name("sluice-redis-subscribe").start(this::retrySubscriptions);
        }
    }

    private synchronized boolean trySubscribe(String channel) {
        try {
            if (subscription == null) {
                StatefulRedisPubSubConnection<String, String> connected = client.connectPubSub();
                connected.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        Consumer<String> listener = channels.get(from);
                        if (listener != null) {
                            listener.accept(message);
                        }
                    }
                });
                subscription = connected;
            }
            subscription.sync().subscribe(channel);
            subscribed.add(channel);
            return true;
        } catch (RuntimeException e) {
            if (!subscribeFailureLogged) {
                subscribeFailureLogged = true;
                LOG.warn("Shared state: could not subscribe to {} on Redis at {} ({}); retrying every second. Until "
                        + "then, changes made through other replicas reach this one when its caches expire", channel,
                        target.describe(), e.toString());
            }
            return false;
        }
    }

    private void retrySubscriptions() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                channels.keySet().stream().filter(channel -> !subscribed.contains(channel)).toList()
                        .forEach(this::trySubscribe);
                if (subscribed.containsAll(channels.keySet())) {
                    LOG.info("Shared state: subscribed to changes on Redis at {}", target.describe());
                    retrier = null;
                    return;
                }
            }
        }
    }

    /**
     * Asks Redis now (a PING, within the command timeout) rather than trusting the last command,
     * which may be long past: readiness must not say "connected" during an outage, nor
     * "unreachable" after Redis came back while no call needed it.
     *
     * @return whether Redis answered
     */
    public boolean probe() {
        try {
            run(RedisCommands::ping);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return whether the last command got through */
    public boolean healthy() {
        return healthy.get();
    }

    /** @return where Redis is, password left out */
    public String describe() {
        return target.describe();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (retrier != null) {
                retrier.interrupt();
            }
        }
        if (subscription != null) {
            subscription.close();
        }
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
        resources.shutdown();
    }
}
