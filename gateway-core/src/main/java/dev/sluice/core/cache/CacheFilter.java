package dev.sluice.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.core.config.CacheSettings;
import dev.sluice.core.routing.ModelCatalog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers from the response cache, or stores what the router answers. Whole answers and streams
 * alike: a stream is stored once it has ended normally, from the chunks that passed (the client
 * is never made to wait for it), and replayed chunk by chunk on a hit. A request controls its
 * own caching with LiteLLM's {@code cache} object: {@code no-cache} (do not read),
 * {@code no-store} (do not write), {@code ttl} (seconds to keep this answer), {@code s-maxage}
 * (accept only an answer at most this many seconds old), {@code namespace}, and with
 * {@code mode: default_off}, {@code use-cache}. A hit is marked in the context (cost nothing,
 * logged as a cache hit) and answered with {@code x-litellm-cache-key}.
 *
 * <p>Identical whole-answer requests that arrive while the first is still with the upstream wait
 * for its answer instead of calling again ({@code cache_params.share_in_flight}, on by default);
 * they are served, and charged, as cache hits.
 */
public final class CacheFilter implements GatewayFilter {

    /** The key of the cached answer that served the call, when one did. */
    public static final CallContext.Key<String> CACHE_HIT = new CallContext.Key<>("cache-hit", String.class);

    private final TieredCache cache;
    private final CacheSettings settings;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final Clock clock;
    private final ConcurrentHashMap<String, CompletableFuture<ModelResponse>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param cache    the tiers
     * @param settings {@code cache_params}
     * @param catalog  the model groups, so aliases share their group's answers
     * @param json     the mapper
     * @param clock    the time, for ages and expiries
     */
    public CacheFilter(TieredCache cache, CacheSettings settings, ModelCatalog catalog, ObjectMapper json, Clock clock) {
        this.cache = cache;
        this.settings = settings;
        this.catalog = catalog;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.CACHE;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        ModelRequest request = chain.request();
        CallContext context = chain.context();
        JsonNode controls = request.body().path("cache");
        boolean wanted = settings.defaultOn() ? !controls.path("use-cache").isBoolean()
                || controls.path("use-cache").asBoolean() : controls.path("use-cache").asBoolean(false);
        if (!wanted || !settings.operations().contains(request.operation()) || context.principal().isEmpty()) {
            return chain.proceed(request);
        }
        String group = catalog.resolve(request.model()).map(ModelCatalog.ResolvedGroup::name).orElse(request.model());
        String namespace = join(settings.namespace(), controls.path("namespace").asText(""));
        String key = CacheKeys.of(request, group, context.principal().get(), settings.scope(), namespace);
        if (!controls.path("no-cache").asBoolean(false)) {
            Optional<ModelResult> hit = lookup(key, request, controls);
            if (hit.isPresent()) {
                context.attribute(CACHE_HIT, key);
                context.responseHeader("x-litellm-cache-key", key);
                return hit.get();
            }
        }
        CompletableFuture<ModelResponse> mine = null;
        if (!request.stream() && settings.shareInFlight()) {
            mine = new CompletableFuture<>();
            CompletableFuture<ModelResponse> first = inFlight.putIfAbsent(key, mine);
            if (first != null) {
                ModelResponse shared = await(first);
                context.attribute(CACHE_HIT, key);
                context.responseHeader("x-litellm-cache-key", key);
                return shared;
            }
        }
        ModelResult result;
        try {
            result = chain.proceed(request);
        } catch (RuntimeException e) {
            if (mine != null) {
                inFlight.remove(key, mine);
                mine.completeExceptionally(e);
            }
            throw e;
        }
        if (mine != null) {
            inFlight.remove(key, mine);
            mine.complete((ModelResponse) result);
        }
        if (controls.path("no-store").asBoolean(false)) {
            return result;
        }
        Duration ttl = controls.path("ttl").canConvertToLong() && controls.path("ttl").asLong() > 0
                ? Duration.ofSeconds(controls.path("ttl").asLong()) : settings.ttl();
        return switch (result) {
            case ModelResponse response -> {
                store(key, entry(ttl).set("response", response.body()), ttl);
                yield response;
            }
            case ChunkStream stream -> new RecordingStream(stream, key, ttl);
            case dev.sluice.api.ByteStream bytes -> bytes; // audio is not kept
        };
    }

    private Optional<ModelResult> lookup(String key, ModelRequest request, JsonNode controls) {
        Optional<TieredCache.Hit> hit = cache.get(key);
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        JsonNode entry;
        try {
            entry = json.readTree(hit.get().value());
        } catch (IOException e) {
            return Optional.empty(); // unreadable (another version's format): a miss, soon overwritten
        }
        long now = clock.millis();
        long expires = entry.path("expires").asLong(0);
        if (expires <= now) {
            return Optional.empty();
        }
        if (controls.path("s-maxage").canConvertToLong()
                && now - entry.path("created").asLong(0) > controls.path("s-maxage").asLong() * 1000) {
            return Optional.empty();
        }
        if (hit.get().fromShared()) {
            cache.fillLocal(key, hit.get().value(), Duration.ofMillis(expires - now));
        }
        if (entry.has("chunks") && request.stream()) {
            return Optional.of(new ReplayedStream((ArrayNode) entry.get("chunks")));
        }
        if (entry.path("response").isObject() && !request.stream()) {
            return Optional.of(new ModelResponse((ObjectNode) entry.get("response")));
        }
        return Optional.empty(); // stored streamed, asked whole (or the reverse): not the same answer shape
    }

    /** @return the answer of the identical call in flight, or its error */
    private static ModelResponse await(CompletableFuture<ModelResponse> first) {
        try {
            return first.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private ObjectNode entry(Duration ttl) {
        long now = clock.millis();
        return json.createObjectNode().put("created", now).put("expires", now + ttl.toMillis());
    }

    private void store(String key, ObjectNode entry, Duration ttl) {
        try {
            cache.put(key, json.writeValueAsBytes(entry), ttl);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static String join(String configured, String requested) {
        if (requested.isEmpty()) {
            return configured;
        }
        return configured.isEmpty() ? requested : configured + ":" + requested;
    }

    /** Passes a stream on and stores its chunks once it has ended normally. */
    private final class RecordingStream implements ChunkStream {
        private final ChunkStream stream;
        private final String key;
        private final Duration ttl;
        private final ArrayNode chunks = json.createArrayNode();
        private boolean failed;

        RecordingStream(ChunkStream stream, String key, Duration ttl) {
            this.stream = stream;
            this.key = key;
            this.ttl = ttl;
        }

        @Override
        public ChatChunk next() {
            ChatChunk chunk;
            try {
                chunk = stream.next();
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
            if (chunk == null) {
                if (!failed) {
                    failed = true; // store once
                    store(key, entry(ttl).set("chunks", chunks), ttl);
                }
                return null;
            }
            chunks.add(chunk.data());
            return chunk;
        }

        @Override
        public void close() {
            failed = true; // closed before its end: the client left, nothing to store
            stream.close();
        }
    }

    /** A stored stream, chunk by chunk. */
    private static final class ReplayedStream implements ChunkStream {
        private final ArrayNode chunks;
        private int next;

        ReplayedStream(ArrayNode chunks) {
            this.chunks = chunks;
        }

        @Override
        public ChatChunk next() {
            return next < chunks.size() ? new ChatChunk((ObjectNode) chunks.get(next++)) : null;
        }

        @Override
        public void close() {
            next = chunks.size();
        }
    }
}
