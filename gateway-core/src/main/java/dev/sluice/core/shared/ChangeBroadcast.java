package dev.sluice.core.shared;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells every replica of a change made through one of them, so a key deleted or blocked through
 * any replica is refused by all within moments rather than when their caches expire, and a
 * deployment one replica saw failing is left out by all: each change is published on
 * {@value #CHANNEL}; each replica drops what it caches of the changed key or account, or cools
 * the deployment down, when another replica's message arrives. Messages carry a key's hash,
 * never the key. Cooldowns travel this way, not through a Redis read per call, to keep Redis off
 * the routing path.
 */
public final class ChangeBroadcast {

    static final String CHANNEL = "sluice:changes";

    private final SharedRedis redis;
    private final String replica = UUID.randomUUID().toString();
    private volatile Consumer<String> onSessionEnded = id -> { };

    /** @param redis the shared Redis */
    public ChangeBroadcast(SharedRedis redis) {
        this.redis = redis;
    }

    /**
     * Listens for other replicas' changes.
     *
     * @param onKey     drops a cached key, by its token (hash)
     * @param onAccount drops a cached account, by {@code kind:id}
     */
    public void listen(Consumer<String> onKey, Consumer<String> onAccount) {
        listen(onKey, onAccount, (deployment, millis) -> { });
    }

    /**
     * As {@link #listen(Consumer, Consumer)}, and for deployments another replica cooled down.
     *
     * @param onCooldown leaves a deployment out, by its id, for the milliseconds given
     */
    public void listen(Consumer<String> onKey, Consumer<String> onAccount,
                       java.util.function.BiConsumer<String, Long> onCooldown) {
        listen(onKey, onAccount, onCooldown, () -> { });
    }

    /**
     * As {@link #listen(Consumer, Consumer, java.util.function.BiConsumer)}, and for models stored
     * in the database.
     *
     * @param onModels reloads the stored models
     */
    public void listen(Consumer<String> onKey, Consumer<String> onAccount,
                       java.util.function.BiConsumer<String, Long> onCooldown, Runnable onModels) {
        redis.subscribe(CHANNEL, message -> {
            String[] parts = message.split("\n", 3);
            if (parts.length != 3 || parts[0].equals(replica)) {
                return;
            }
            switch (parts[1]) {
                case "key" -> onKey.accept(parts[2]);
                case "models" -> onModels.run();
                case "session" -> onSessionEnded.accept(parts[2]);
                case "cooldown" -> {
                    int at = parts[2].lastIndexOf('@');
                    if (at > 0) {
                        onCooldown.accept(parts[2].substring(0, at), Long.parseLong(parts[2].substring(at + 1)));
                    }
                }
                default -> onAccount.accept(parts[2]);
            }
        });
    }

    /** Announces that a deployment is left out for the given milliseconds (a duration, not a time: clocks differ). */
    public void cooledDown(String deploymentId, long millis) {
        redis.publish(CHANNEL, replica + "\ncooldown\n" + deploymentId + "@" + millis);
    }

    /** Announces a change of a key, by its token (hash). */
    public void keyChanged(String token) {
        redis.publish(CHANNEL, replica + "\nkey\n" + token);
    }

    /** Announces that a model was added, changed or deleted through the API. */
    public void modelsChanged() {
        redis.publish(CHANNEL, replica + "\nmodels\n-");
    }

    /** @param listener ends an admin UI session another replica logged out, by the session's id */
    public void onSessionEnded(Consumer<String> listener) {
        this.onSessionEnded = listener;
    }

    /** Announces that an admin UI session was logged out, by its id (a random nonce, not the cookie). */
    public void sessionEnded(String id) {
        redis.publish(CHANNEL, replica + "\nsession\n" + id);
    }

    /** Announces a change of an account ({@code kind:id}). */
    public void accountChanged(String kindAndId) {
        redis.publish(CHANNEL, replica + "\naccount\n" + kindAndId);
    }
}
