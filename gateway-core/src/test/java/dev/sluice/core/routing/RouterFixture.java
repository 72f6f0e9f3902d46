package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.RoutingPolicy;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.testkit.Candidates;
import dev.sluice.testkit.JdkHttpTransport;
import dev.sluice.testkit.ManualClock;
import dev.sluice.testkit.TestHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A router over a {@link ScriptedAdapter}, on a manual clock that starts on a minute, whose
 * waits before retries are recorded and move the clock instead of sleeping.
 */
final class RouterFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
    final List<Duration> pauses = new ArrayList<>();
    final ScriptedAdapter upstream = new ScriptedAdapter();
    GatewayCallContext lastContext;

    Router router(String yaml) {
        return router(yaml, Optional.empty());
    }

    Router router(String yaml, Optional<RoutingPolicy> policy) {
        GatewayConfig config = ConfigLoader.parse(yaml, Map.of());
        ModelCatalog catalog = new ModelCatalog(config.modelList(), List.of(upstream),
                config.router().modelGroupAliases(), PriceBook.shipped(JSON));
        return new Router(catalog, policy, config.router(), config.requestTimeout(), new JdkHttpTransport(), JSON,
                clock, Candidates.fixed(0), duration -> {
                    pauses.add(duration);
                    clock.advance(duration);
                });
    }

    static ChatRequest chat(String model) {
        return request("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    static ChatRequest request(String json) {
        try {
            return new ChatRequest((ObjectNode) JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    GatewayCallContext context() {
        lastContext = new GatewayCallContext("call-1", Instant.EPOCH, 0, TestHeaders.none(), "127.0.0.1");
        return lastContext;
    }

    /** @return the id of the deployment that answered */
    String call(Router router, String model) {
        return answer(router.route(chat(model), context()));
    }

    static String answer(ModelResult result) {
        return ((ModelResponse) result).body().path("deployment").asText();
    }

    /** @return the value of a response header the last call set */
    String header(String name) {
        return lastContext.responseHeaders().stream().filter(entry -> entry.getKey().equals(name))
                .map(Map.Entry::getValue).reduce((first, last) -> last).orElseThrow();
    }
}
