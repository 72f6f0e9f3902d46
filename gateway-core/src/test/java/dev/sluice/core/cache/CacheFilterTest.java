package dev.sluice.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CacheBackend;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.config.CacheSettings;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.testkit.FilterHarness;
import dev.sluice.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache stage on in-memory tiers and a manual clock: what is a hit, what is stored, for whom. */
class CacheFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tier in a map, which can be made to fail like an unreachable Redis. */
    static final class MapTier implements CacheBackend {
        final Map<String, byte[]> values = new ConcurrentHashMap<>();
        final AtomicInteger gets = new AtomicInteger();
        volatile boolean down;
        private final String type;

        MapTier(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Optional<byte[]> get(String key) {
            gets.incrementAndGet();
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void put(String key, byte[] value, Duration ttl) {
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            values.put(key, value);
        }

        @Override
        public void delete(String key) {
            values.remove(key);
        }
    }

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final MapTier local = new MapTier("local");
    private final MapTier shared = new MapTier("redis");
    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private String team = "search";

    private FilterHarness harness(String litellmSettings) {
        CacheSettings settings = ConfigLoader.parse("""
                model_list:
                  - {model_name: gpt-4o, litellm_params: {model: mock/gpt-4o}}
                router_settings: {model_group_alias: {gpt4: gpt-4o}}
                litellm_settings:
                %s
                """.formatted(litellmSettings.indent(2)), Map.of()).cache();
        ModelCatalog catalog = new ModelCatalog(ConfigLoader.parse("""
                model_list: [{model_name: gpt-4o, litellm_params: {model: mock/gpt-4o}}]
                router_settings: {model_group_alias: {gpt4: gpt-4o}}
                """, Map.of()).modelList(), List.of(), Map.of("gpt4",
                new dev.sluice.core.config.RouterSettings.GroupAlias("gpt-4o", false)),
                dev.sluice.core.routing.DeploymentFacts.NONE);
        TieredCache tiers = new TieredCache(Optional.of(local), settings.type().equals("redis") ? Optional.of(shared)
                : Optional.empty());
        return FilterHarness.of(new Caller(), new CacheFilter(tiers, settings, catalog, JSON, clock))
                .answering(request -> {
                    int call = upstreamCalls.incrementAndGet();
                    if (request.stream()) {
                        return stream("answer " + call);
                    }
                    ObjectNode body = JSON.createObjectNode().put("answer", call);
                    body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 2);
                    return new ModelResponse(body);
                });
    }

    private final class Caller implements GatewayFilter {
        @Override
        public String name() {
            return "caller";
        }

        @Override
        public FilterSlot slot() {
            return FilterSlot.AUTHENTICATE;
        }

        @Override
        public ModelResult intercept(Chain chain) {
            chain.context().principal(new Principal("key-hash-1", Role.INTERNAL_USER, Optional.empty(), Optional.empty(),
                    Optional.ofNullable(team), Set.of(), Map.of()));
            return chain.proceed(chain.request());
        }
    }

    private static ChunkStream stream(String text) {
        List<ChatChunk> chunks = List.of(new ChatChunk(JSON.createObjectNode().put("text", text)),
                new ChatChunk(JSON.createObjectNode().put("text", "end")));
        return new ChunkStream() {
            int next;

            @Override
            public ChatChunk next() {
                return next < chunks.size() ? chunks.get(next++) : null;
            }

            @Override
            public void close() {
            }
        };
    }

    private static ChatRequest chat(String json) {
        try {
            return new ChatRequest((ObjectNode) JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String ASK = "{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private int answer(FilterHarness harness, String json) {
        return ((ModelResponse) harness.call(chat(json))).body().path("answer").asInt();
    }

    @Test
    void theSameQuestionIsAHitWhateverItsKeyOrderWhitespaceOrAlias() {
        FilterHarness harness = harness("cache: true");
        assertEquals(1, answer(harness, ASK));
        assertTrue(harness.lastContext().attribute(CacheFilter.CACHE_HIT).isEmpty());
        assertEquals(1, answer(harness, "{ \"messages\": [{\"content\":\"hi\",\"role\":\"user\"}], \"temperature\": 0,"
                + " \"model\": \"gpt4\", \"user\": \"someone\" }"));
        String key = harness.lastContext().attribute(CacheFilter.CACHE_HIT).orElseThrow();
        assertEquals(key, harness.lastContext().responseHeaders().get("x-litellm-cache-key"));
        assertEquals(2, answer(harness, ASK.replace("\"temperature\":0", "\"temperature\":1")), "another question");
        assertEquals(2, upstreamCalls.get());
    }

    @Test
    void answersAreScopedToTheCallersTeamUnlessGlobal() {
        FilterHarness harness = harness("cache: true");
        assertEquals(1, answer(harness, ASK));
        team = "other-team";
        assertEquals(2, answer(harness, ASK), "another team never reads this team's answer");
        FilterHarness global = harness("cache: true\ncache_params: {scope: global}");
        team = "a";
        assertEquals(3, answer(global, ASK));
        team = "b";
        assertEquals(3, answer(global, ASK));
    }

    @Test
    void theRequestsCacheControlsAreHonoured() {
        FilterHarness harness = harness("cache: true\ncache_params: {ttl: 60}");
        String noStore = ASK.replace("{\"model\"", "{\"cache\":{\"no-store\":true},\"model\"");
        assertEquals(1, answer(harness, noStore));
        assertEquals(2, answer(harness, ASK), "nothing was stored");
        assertEquals(3, answer(harness, ASK.replace("{\"model\"", "{\"cache\":{\"no-cache\":true},\"model\"")),
                "no-cache skips the lookup");
        assertEquals(3, answer(harness, ASK), "but it stored its answer");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(4, answer(harness, ASK.replace("{\"model\"", "{\"cache\":{\"s-maxage\":10},\"model\"")),
                "30 s old is too old for s-maxage 10");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(5, answer(harness, ASK), "past the ttl");
        String ns = ASK.replace("{\"model\"", "{\"cache\":{\"namespace\":\"exp-1\"},\"model\"");
        assertEquals(6, answer(harness, ns));
        assertEquals(6, answer(harness, ns));
        assertNotEquals(harness.lastContext().attribute(CacheFilter.CACHE_HIT).orElseThrow(),
                CacheKeys.of(chat(ASK), "gpt-4o", harness.lastContext().principal().orElseThrow(), "team", ""));
    }

    @Test
    void withDefaultOffOnlyRequestsThatAskUseTheCache() {
        FilterHarness harness = harness("cache: true\ncache_params: {mode: default_off}");
        assertEquals(1, answer(harness, ASK));
        assertEquals(2, answer(harness, ASK));
        String ask = ASK.replace("{\"model\"", "{\"cache\":{\"use-cache\":true},\"model\"");
        assertEquals(3, answer(harness, ask));
        assertEquals(3, answer(harness, ask));
    }

    @Test
    void aStreamIsStoredOnceItEndsAndReplayedChunkByChunk() {
        FilterHarness harness = harness("cache: true");
        String streamed = ASK.replace("{\"model\"", "{\"stream\":true,\"model\"");
        ChunkStream abandoned = (ChunkStream) harness.call(chat(streamed));
        abandoned.next();
        abandoned.close();
        ChunkStream first = (ChunkStream) harness.call(chat(streamed));
        assertEquals("answer 2", first.next().data().path("text").asText());
        assertEquals("end", first.next().data().path("text").asText());
        assertNull(first.next());
        first.close();
        ChunkStream replayed = (ChunkStream) harness.call(chat(streamed));
        assertTrue(harness.lastContext().attribute(CacheFilter.CACHE_HIT).isPresent());
        assertEquals("answer 2", replayed.next().data().path("text").asText(), "the stream closed early was not stored");
        assertEquals("end", replayed.next().data().path("text").asText());
        assertNull(replayed.next());
        assertEquals(2, upstreamCalls.get());
        assertEquals(3, answer(harness, ASK), "a whole answer is not served from a stored stream");
    }

    @Test
    void aSharedHitFillsTheLocalTierAndAFailingSharedTierIsSkipped() throws Exception {
        FilterHarness harness = harness("cache: true\ncache_params: {type: redis}");
        assertEquals(1, answer(harness, ASK));
        for (int i = 0; i < 100 && shared.values.isEmpty(); i++) {
            Thread.sleep(10); // the shared write is off the caller's thread
        }
        local.values.clear();
        int sharedGets = shared.gets.get();
        assertEquals(1, answer(harness, ASK), "from the shared tier");
        assertEquals(1, answer(harness, ASK), "now from the local tier");
        assertEquals(sharedGets + 1, shared.gets.get(), "a local hit makes no shared call");
        local.values.clear();
        shared.down = true;
        assertEquals(2, answer(harness, ASK), "Redis down: a miss, answered, not an error");
        assertEquals(2, answer(harness, ASK), "and the local tier still serves");
    }

    @Test
    void identicalRequestsInFlightShareOneUpstreamCall() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        CacheSettings settings = ConfigLoader.parse("litellm_settings: {cache: true}", Map.of()).cache();
        ModelCatalog catalog = new ModelCatalog(List.of(), List.of());
        CacheFilter filter = new CacheFilter(new TieredCache(Optional.of(local), Optional.empty()), settings, catalog,
                JSON, clock);
        java.util.function.Function<dev.sluice.api.ModelRequest, ModelResult> slowUpstream = request -> {
            upstreamCalls.incrementAndGet();
            arrived.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ModelResponse(JSON.createObjectNode().put("answer", "shared"));
        };
        FilterHarness firstCaller = FilterHarness.of(new Caller(), filter).answering(slowUpstream);
        FilterHarness secondCaller = FilterHarness.of(new Caller(), filter).answering(slowUpstream);
        ModelResult[] answers = new ModelResult[2];
        Thread first = new Thread(() -> answers[0] = firstCaller.call(chat(ASK)));
        first.start();
        arrived.await();
        Thread second = new Thread(() -> answers[1] = secondCaller.call(chat(ASK)));
        second.start();
        while (second.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // parked: on the first call's answer, or (wrongly) in the upstream
        }
        assertEquals(1, upstreamCalls.get(), "the second call waits for the first instead of going upstream");
        release.countDown();
        first.join();
        second.join();
        assertEquals("shared", ((ModelResponse) answers[0]).body().path("answer").asText());
        assertEquals("shared", ((ModelResponse) answers[1]).body().path("answer").asText());
        assertEquals(1, upstreamCalls.get());
        assertTrue(secondCaller.lastContext().attribute(CacheFilter.CACHE_HIT).isPresent(), "served as a hit");
    }
}
