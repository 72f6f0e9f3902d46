package dev.sluice.core.routing;

import static dev.sluice.core.routing.RouterFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.RoutingCandidate;
import dev.sluice.api.RoutingPolicy;
import dev.sluice.core.accounts.RateLimits;
import dev.sluice.core.limits.InProcessRateLimiter;
import dev.sluice.core.limits.RateLimiter;
import dev.sluice.core.limits.SharedDeploymentLoad;
import dev.sluice.core.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Finding the group and choosing its deployment: names, aliases, wildcards, order, limits, context windows. */
class RouterTest {

    private final RouterFixture fixture = new RouterFixture();

    @Test
    void callsTheGroupsDeploymentWhoseModelNamesTheUpstreamModel() {
        Router router = fixture.router("model_list: [{model_name: fast, litellm_params: {model: echo/upstream-name}, model_info: {id: d1}}]");
        ModelResponse response = (ModelResponse) router.route(chat("fast"), fixture.context());
        assertEquals("d1", response.body().path("deployment").asText());
        assertEquals("upstream-name", response.body().path("model_sent").asText());
        assertEquals("fast", response.body().path("model_asked").asText(), "the adapter sees the caller's group");
        assertEquals("d1", fixture.lastContext.attribute(Router.DEPLOYMENT).orElseThrow().id());
        assertTrue(fixture.lastContext.attribute(Router.UPSTREAM_NANOS).isPresent());
        assertEquals("0", fixture.header("x-litellm-attempted-retries"));
        assertEquals("0", fixture.header("x-litellm-attempted-fallbacks"));
    }

    @Test
    void anUnknownModelGetsLiteLlmsMessage() {
        Router router = fixture.router("model_list: [{model_name: fast, litellm_params: {model: echo/x}}]");
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("slow"), fixture.context()));
        assertEquals(400, e.status());
        assertEquals("Invalid model name passed in model=slow. Call /v1/models to view available models for your key.",
                e.getMessage());
        assertEquals("model", e.param().orElseThrow());
    }

    @Test
    void aGroupWhoseProviderHasNoPluginNamesThePluginAndOthersKeepServing() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: claude, litellm_params: {model: bedrock/claude-sonnet-4}}
                  - {model_name: fast, litellm_params: {model: echo/x}}
                """);
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("claude"), fixture.context()));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("provider-bedrock"), e.getMessage());
        assertFalse(fixture.call(router, "fast").isEmpty());
    }

    @Test
    void aPluginThatRefusesADeploymentStopsStartUpNamingTheEntry() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.router("""
                model_list:
                  - {model_name: ok, litellm_params: {model: echo/x}}
                  - {model_name: bad, litellm_params: {model: echo/refused}}
                """));
        assertEquals("model_list[1].litellm_params: api_base is required for this provider", e.getMessage());
    }

    @Test
    void aPluginsUnexpectedExceptionBecomesAnInternalErrorWithoutItsMessage() {
        fixture.upstream.fault = new IllegalStateException("secret detail sk-abc");
        Router router = fixture.router("model_list: [{model_name: fast, litellm_params: {model: echo/x}}]");
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("fast"), fixture.context()));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertFalse(e.getMessage().contains("sk-abc"));
        assertTrue(e.getMessage().contains("IllegalStateException"));
        assertEquals(1, fixture.upstream.calls.size(), "a plugin fault is not retried");
    }

    @Test
    void anAliasAndWildcardGroupsFindTheirDeploymentsTheMostSpecificFirst() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: gpt-4o, litellm_params: {model: openai/gpt-4o}, model_info: {id: exact}}
                  - {model_name: "openai/*", litellm_params: {model: "openai/*"}, model_info: {id: openai-any}}
                  - {model_name: "*", litellm_params: {model: "anthropic/*"}, model_info: {id: anything}}
                router_settings:
                  model_group_alias: {gpt4: gpt-4o, secret: {model: gpt-4o, hidden: true}}
                """);
        assertEquals("exact", fixture.call(router, "gpt4"));
        assertEquals("exact", fixture.call(router, "secret"));
        ModelResponse wildcard = (ModelResponse) router.route(chat("openai/o3-mini"), fixture.context());
        assertEquals("openai-any", wildcard.body().path("deployment").asText());
        assertEquals("o3-mini", wildcard.body().path("model_sent").asText(), "the * is filled in");
        ModelResponse catchAll = (ModelResponse) router.route(chat("claude-opus-4.1"), fixture.context());
        assertEquals("claude-opus-4.1", catchAll.body().path("model_sent").asText());
        assertEquals("claude-opus-4.1", fixture.lastContext.attribute(Router.DEPLOYMENT).orElseThrow().qualifiedModel()
                .substring("anthropic/".length()));
    }

    @Test
    void anAliasOfNoGroupStopsStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.router("""
                model_list: [{model_name: a, litellm_params: {model: echo/a}}]
                router_settings: {model_group_alias: {b: nowhere}}
                """));
        assertEquals("router_settings.model_group_alias.b: names model group 'nowhere', which is not in model_list",
                e.getMessage());
    }

    @Test
    void theBestOrderTakesTheCallsWhileItCanAndTheNextTakesOverWhenItFails() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: g, litellm_params: {model: echo/backup, order: 2}, model_info: {id: backup}}
                  - {model_name: g, litellm_params: {model: echo/primary, order: 1}, model_info: {id: primary}}
                """);
        for (int i = 0; i < 5; i++) {
            assertEquals("primary", fixture.call(router, "g"));
        }
        fixture.upstream.failNext("primary", ScriptedAdapter.upstream(503));
        assertEquals("backup", fixture.call(router, "g"), "the retry goes to the next order");
        assertEquals("1", fixture.header("x-litellm-attempted-retries"));
        assertEquals(List.of(), fixture.pauses, "another deployment could take the retry: no wait");
    }

    @Test
    void rpmLimitsSendTrafficToDeploymentsWithHeadroomThen429UntilTheNextMinute() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: g, litellm_params: {model: echo/a, rpm: 2, order: 1}, model_info: {id: a}}
                  - {model_name: g, litellm_params: {model: echo/b}, rpm: 1, model_info: {id: b}}
                """);
        assertEquals("a", fixture.call(router, "g"));
        assertEquals("a", fixture.call(router, "g"));
        assertEquals("b", fixture.call(router, "g"), "a has used its 2 rpm; b (rpm beside litellm_params) has room");
        fixture.clock.advance(Duration.ofSeconds(20));
        GatewayException full = assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(429, full.status());
        assertEquals(Duration.ofSeconds(40), full.retryAfter().orElseThrow(), "until the minute turns");
        assertTrue(full.getMessage().startsWith("No deployments available for selected model, Try again in 40 seconds."),
                full.getMessage());
        fixture.clock.advance(Duration.ofSeconds(40));
        assertEquals("a", fixture.call(router, "g"), "a new minute, new room");
    }

    @Test
    void replicasSharingCountsKeepToADeploymentsRpmTogether() {
        String yaml = """
                model_list:
                  - {model_name: g, litellm_params: {model: echo/a, rpm: 3, order: 1}, model_info: {id: a}}
                  - {model_name: g, litellm_params: {model: echo/b, order: 2}, model_info: {id: b}}
                """;
        RateLimiter shared = new InProcessRateLimiter(fixture.clock); // what Redis is to real replicas
        Router one = fixture.router(yaml);
        Router other = fixture.router(yaml);
        one.shareLoad(new SharedDeploymentLoad(shared), false);
        other.shareLoad(new SharedDeploymentLoad(shared), false);
        assertEquals("a", fixture.call(one, "g"));
        assertEquals("a", fixture.call(other, "g"));
        assertEquals("a", fixture.call(one, "g"));
        assertEquals("b", fixture.call(other, "g"), "a's rpm is used by the two together, though this one made one call");
        assertEquals("b", fixture.call(one, "g"));
        fixture.clock.advance(Duration.ofMinutes(1));
        assertEquals("a", fixture.call(other, "g"), "a new minute, new room");
    }

    @Test
    void sharedCountsShowPoliciesTheCallsInFlightOnEveryReplica() {
        String yaml = """
                model_list:
                  - {model_name: g, litellm_params: {model: echo/a}, model_info: {id: a}}
                  - {model_name: g, litellm_params: {model: echo/b}, model_info: {id: b}}
                """;
        RateLimiter shared = new InProcessRateLimiter(fixture.clock);
        List<Long> inFlightSeen = new ArrayList<>();
        RoutingPolicy leastBusy = new RoutingPolicy() {
            @Override
            public String name() {
                return "least-busy";
            }

            @Override
            public RoutingCandidate pick(List<RoutingCandidate> candidates, ModelRequest request,
                                         java.util.random.RandomGenerator random) {
                candidates.forEach(candidate -> inFlightSeen.add((long) candidate.stats().inFlight()));
                return candidates.stream().min(java.util.Comparator.comparingInt(c -> c.stats().inFlight())).orElseThrow();
            }
        };
        Router one = fixture.router(yaml, Optional.of(leastBusy));
        Router other = fixture.router(yaml, Optional.of(leastBusy));
        one.shareLoad(new SharedDeploymentLoad(shared), true);
        other.shareLoad(new SharedDeploymentLoad(shared), true);
        RateLimiter.Permit elsewhere = shared.admit("deployment:a", "a", new RateLimits(Optional.empty(),
                Optional.empty(), Optional.empty())); // a call to a, in flight on a third replica
        assertEquals("a", fixture.call(one, "g"), "both look idle from here; a's admission shows the other call");
        inFlightSeen.clear();
        assertEquals("b", fixture.call(one, "g"), "a is the busier one across the replicas");
        assertEquals(List.of(1L, 0L), inFlightSeen, "a: the call on the other replica; b: none");
        elsewhere.finish(0);
    }

    @Test
    void tpmLimitsCountTheTokensOfFinishedCalls() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: g, litellm_params: {model: echo/a, tpm: 20, order: 1}, model_info: {id: a}}
                  - {model_name: g, litellm_params: {model: echo/b, order: 2}, model_info: {id: b}}
                """);
        assertEquals("a", fixture.call(router, "g"));
        assertEquals("a", fixture.call(router, "g"), "15 of 20 tokens used: room left");
        assertEquals("b", fixture.call(router, "g"), "30 of 20: a is full this minute");
    }

    @Test
    void preCallChecksSkipADeploymentTooSmallForThePrompt() {
        String yaml = """
                model_list:
                  - {model_name: g, litellm_params: {model: echo/small, order: 1}, model_info: {id: small, max_input_tokens: 100}}
                  - {model_name: g, litellm_params: {model: echo/large, order: 2}, model_info: {id: large, max_input_tokens: 100000}}
                  - {model_name: tiny, litellm_params: {model: echo/tiny}, model_info: {max_input_tokens: 100}}
                router_settings: {enable_pre_call_checks: true}
                """;
        Router router = fixture.router(yaml);
        String longPrompt = "word ".repeat(1000);
        String body = "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}";
        assertEquals("large", RouterFixture.answer(router.route(RouterFixture.request(body), fixture.context())));
        assertEquals("small", fixture.call(router, "g"), "a short prompt fits the first order");
        GatewayException none = assertThrows(GatewayException.class, () -> router.route(
                RouterFixture.request(body.replace("\"g\"", "\"tiny\"")), fixture.context()));
        assertEquals(ErrorKind.CONTEXT_WINDOW_EXCEEDED, none.kind());
        assertEquals(400, none.status());
        assertEquals(List.of("large", "small"), fixture.upstream.calls, "the skipped deployments were never called");
    }
}
