package dev.sluice.core.routing;

import static dev.sluice.core.routing.RouterFixture.chat;
import static dev.sluice.core.routing.ScriptedAdapter.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Retries, backoff, cooldowns and streams, driven by a scripted upstream on a manual clock. */
class ResilienceTest {

    private static final String ONE = "model_list: [{model_name: g, litellm_params: {model: echo/a}, model_info: {id: a}}]\n";
    private static final String TWO = """
            model_list:
              - {model_name: g, litellm_params: {model: echo/a, order: 1}, model_info: {id: a}}
              - {model_name: g, litellm_params: {model: echo/b, order: 2}, model_info: {id: b}}
            """;

    private final RouterFixture fixture = new RouterFixture();

    @Test
    void byDefaultAFailureWorthRetryingIsTriedTwiceMoreWithExponentialBackoff() {
        Router router = fixture.router(ONE);
        fixture.upstream.failNext("a", upstream(500), upstream(503));
        assertEquals("a", fixture.call(router, "g"));
        assertEquals(List.of("a", "a", "a"), fixture.upstream.calls);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1000)), fixture.pauses,
                "0.5 s doubling (the fixed random source takes nothing off for jitter)");
        assertEquals("2", fixture.header("x-litellm-attempted-retries"));
    }

    @Test
    void theUpstreamsRetryAfterIsHonouredAndRetryAfterIsTheLeastWait() {
        Router router = fixture.router(ONE + "router_settings: {retry_after: 2}\n");
        fixture.upstream.failNext("a", ScriptedAdapter.rateLimited(Duration.ofSeconds(7)), upstream(500));
        assertEquals("a", fixture.call(router, "g"));
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(2)), fixture.pauses,
                "7 s as the upstream asked; then backoff of 0.5 s raised to retry_after");
    }

    @Test
    void aWaitPastTheRequestTimeoutIsNotTaken() {
        Router router = fixture.router(ONE + "router_settings: {timeout: 30}\n");
        fixture.upstream.failNext("a", ScriptedAdapter.rateLimited(Duration.ofSeconds(45)));
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(429, e.status());
        assertEquals(List.of(), fixture.pauses);
    }

    @Test
    void retriesFollowNumRetriesAndTheRetryPolicyPerFailureClass() {
        Router router = fixture.router(ONE + """
                router_settings:
                  num_retries: 1
                  retry_policy: {AuthenticationErrorRetries: 1, RateLimitErrorRetries: 0}
                """);
        fixture.upstream.failNext("a", upstream(500), upstream(500));
        assertEquals(500, assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context())).status());
        assertEquals(2, fixture.upstream.calls.size(), "num_retries: 1");
        fixture.upstream.calls.clear();
        fixture.upstream.failNext("a", upstream(429));
        assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(1, fixture.upstream.calls.size(), "RateLimitErrorRetries: 0");
        fixture.upstream.calls.clear();
        fixture.clock.advance(Duration.ofMinutes(1));
        fixture.upstream.failNext("a", upstream(401));
        assertEquals("a", fixture.call(router, "g"), "AuthenticationErrorRetries: 1 retries what is otherwise final");
        assertEquals(2, fixture.upstream.calls.size());
    }

    @Test
    void aBadRequestIsNeitherRetriedNorFallenBackFrom() {
        Router router = fixture.router(TWO + """
                  - {model_name: other, litellm_params: {model: echo/c}}
                router_settings: {fallbacks: [{g: [other]}]}
                """);
        fixture.upstream.failNext("a", upstream(400));
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertEquals(List.of("a"), fixture.upstream.calls);
    }

    @Test
    void aDeploymentFailingMoreThanAllowedFailsInAMinuteCoolsDownThenComesBack() {
        Router router = fixture.router(TWO + "router_settings: {allowed_fails: 1, cooldown_time: 30, num_retries: 0}\n");
        fixture.upstream.failNext("a", upstream(500), upstream(500));
        assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals("b", fixture.call(router, "g"), "a failed twice, more than the one allowed: cooling");
        fixture.clock.advance(Duration.ofSeconds(29));
        assertEquals("b", fixture.call(router, "g"));
        fixture.clock.advance(Duration.ofSeconds(1));
        assertEquals("a", fixture.call(router, "g"), "30 s later a is back");
    }

    @Test
    void whenEveryDeploymentIsCoolingTheCallerGets429NoDeploymentsAvailable() {
        Router router = fixture.router(TWO + "router_settings: {cooldown_time: 10, num_retries: 1}\n");
        fixture.upstream.failNext("a", upstream(429)).failNext("b", ScriptedAdapter.rateLimited(Duration.ofSeconds(25)));
        GatewayException both = assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(429, both.status(), "the last upstream 429");
        assertEquals(List.of("a", "b"), fixture.upstream.calls, "an upstream 429 cools a deployment at once");
        GatewayException cooling = assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals(429, cooling.status());
        assertTrue(cooling.getMessage().startsWith("No deployments available for selected model, Try again in 10 "
                + "seconds. Passed model=g."), cooling.getMessage());
        assertEquals(Duration.ofSeconds(10), cooling.retryAfter().orElseThrow(), "a is back first, after cooldown_time");
        fixture.clock.advance(Duration.ofSeconds(10));
        assertEquals("a", fixture.call(router, "g"));
        fixture.upstream.calls.clear();
        fixture.clock.advance(Duration.ofSeconds(15));
        fixture.upstream.failNext("a", upstream(429));
        assertEquals("b", fixture.call(router, "g"), "b cooled for the 25 s its upstream asked, now over");
    }

    @Test
    void aCooldownAnnouncedByAnotherReplicaLeavesTheDeploymentOutHereToo() {
        Router router = fixture.router(TWO);
        java.util.List<String> announced = new java.util.ArrayList<>();
        router.onCooldown((id, millis) -> announced.add(id + " " + millis));
        router.coolDownElsewhere("a", 20_000);
        assertEquals("b", fixture.call(router, "g"));
        fixture.clock.advance(Duration.ofSeconds(20));
        assertEquals("a", fixture.call(router, "g"));
        fixture.upstream.failNext("a", upstream(429));
        assertEquals("b", fixture.call(router, "g"));
        assertEquals(java.util.List.of("a 5000"), announced, "a cooldown begun here is announced, with its length");
    }

    @Test
    void disabledCooldownsLeaveFailingDeploymentsIn() {
        Router router = fixture.router(TWO + "router_settings: {disable_cooldowns: true, num_retries: 0}\n");
        fixture.upstream.failNext("a", upstream(429));
        assertThrows(GatewayException.class, () -> router.route(chat("g"), fixture.context()));
        assertEquals("a", fixture.call(router, "g"));
    }

    @Test
    void aStreamFailingBeforeItsFirstChunkIsRetriedButNotOnceAChunkHasGone() {
        Router router = fixture.router(TWO);
        fixture.upstream.failNext("a", upstream(502));
        ChunkStream stream = (ChunkStream) router.route(streamed("g"), fixture.context());
        assertEquals("b", stream.next().data().path("deployment").asText(), "the retry went to b before any chunk");
        assertEquals(15, stream.next().usage().orElseThrow().totalTokens());
        assertNull(stream.next());
        stream.close();

        fixture.upstream.calls.clear();
        fixture.clock.advance(Duration.ofMinutes(1));
        fixture.upstream.breakNextStream("a", upstream(502));
        ChunkStream broken = (ChunkStream) router.route(streamed("g"), fixture.context());
        assertEquals("a", broken.next().data().path("deployment").asText());
        GatewayException midway = assertThrows(GatewayException.class, broken::next);
        assertEquals(502, midway.status());
        broken.close();
        assertEquals(List.of("a"), fixture.upstream.calls, "nothing retried once the client had a chunk");
    }

    @Test
    void fallbacksMoveAFailedGroupToTheNextGroupAfterItsRetries() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: primary, litellm_params: {model: echo/p}, model_info: {id: p}}
                  - {model_name: second, litellm_params: {model: echo/s}, model_info: {id: s}}
                  - {model_name: third, litellm_params: {model: echo/t}, model_info: {id: t}}
                router_settings: {num_retries: 1, fallbacks: [{primary: [second, third]}]}
                """);
        fixture.upstream.down("p").down("s");
        assertEquals("t", fixture.call(router, "primary"));
        assertEquals(List.of("p", "p", "s", "s", "t"), fixture.upstream.calls);
        assertEquals("2", fixture.header("x-litellm-attempted-retries"));
        assertEquals("2", fixture.header("x-litellm-attempted-fallbacks"));
        assertEquals("t", fixture.lastContext.attribute(Router.DEPLOYMENT).orElseThrow().id());
    }

    @Test
    void whenEveryFallbackFailsTheCallerGetsTheFirstGroupsError() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: primary, litellm_params: {model: echo/p}}
                  - {model_name: second, litellm_params: {model: echo/s}}
                router_settings: {num_retries: 0, fallbacks: [{primary: [second]}]}
                """);
        fixture.upstream.failNext("p", upstream(503)).failNext("s", upstream(401));
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("primary"), fixture.context()));
        assertEquals(503, e.status());
        assertEquals("1", fixture.header("x-litellm-attempted-fallbacks"));
    }

    @Test
    void contextWindowAndContentPolicyFailuresHaveFallbacksOfTheirOwn() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: small, litellm_params: {model: echo/small}, model_info: {id: small}}
                  - {model_name: large, litellm_params: {model: echo/large}, model_info: {id: large}}
                  - {model_name: lenient, litellm_params: {model: echo/lenient}, model_info: {id: lenient}}
                  - {model_name: general, litellm_params: {model: echo/general}, model_info: {id: general}}
                router_settings:
                  fallbacks: [{small: [general]}]
                  context_window_fallbacks: [{small: [large]}]
                  content_policy_fallbacks: [{small: [lenient]}]
                """);
        fixture.upstream.failNext("small", ScriptedAdapter.of(ErrorKind.CONTEXT_WINDOW_EXCEEDED));
        assertEquals("large", fixture.call(router, "small"));
        assertEquals("0", fixture.header("x-litellm-attempted-retries"), "a prompt too long is not retried");
        fixture.upstream.failNext("small", ScriptedAdapter.of(ErrorKind.CONTENT_POLICY));
        assertEquals("lenient", fixture.call(router, "small"));
        fixture.upstream.failNext("small", upstream(500), upstream(500), upstream(500));
        assertEquals("general", fixture.call(router, "small"));
    }

    @Test
    void defaultFallbacksPerRequestFallbacksAndMaxFallbacks() {
        String models = """
                model_list:
                  - {model_name: a, litellm_params: {model: echo/a}, model_info: {id: a}}
                  - {model_name: b, litellm_params: {model: echo/b}, model_info: {id: b}}
                  - {model_name: c, litellm_params: {model: echo/c}, model_info: {id: c}}
                """;
        Router router = fixture.router(models + "router_settings: {num_retries: 0, default_fallbacks: [b, c], max_fallbacks: 1}\n");
        fixture.upstream.down("a").down("b");
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("a"), fixture.context()));
        assertEquals(500, e.status());
        assertEquals(List.of("a", "b"), fixture.upstream.calls, "max_fallbacks: 1 stops before c");

        fixture.upstream.calls.clear();
        var request = RouterFixture.request("{\"model\":\"a\",\"fallbacks\":[\"c\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("c", RouterFixture.answer(router.route(request, fixture.context())));
        assertEquals(List.of("a", "c"), fixture.upstream.calls, "the request's own fallbacks come first");
        assertTrue(fixture.upstream.bodies.stream().noneMatch(body -> body.has("fallbacks")),
                "the router's parameter never reaches an upstream");
    }

    @Test
    void aFallbackTheCallerMayNotUseIsSkipped() {
        Router router = fixture.router("""
                model_list:
                  - {model_name: a, litellm_params: {model: echo/a}, model_info: {id: a}}
                  - {model_name: premium, litellm_params: {model: echo/premium}, model_info: {id: premium}}
                  - {model_name: cheap, litellm_params: {model: echo/cheap}, model_info: {id: cheap}}
                router_settings: {num_retries: 0, fallbacks: [{a: [premium, cheap]}]}
                """);
        fixture.upstream.down("a");
        var context = fixture.context();
        Predicate<String> notPremium = name -> !name.equals("premium");
        context.attribute(Router.MODEL_ACCESS, notPremium);
        assertEquals("cheap", RouterFixture.answer(router.route(chat("a"), context)));
        assertEquals(List.of("a", "cheap"), fixture.upstream.calls);
    }

    @Test
    void theMultiProviderExampleConfigRunsItsChainsAsWritten() throws Exception {
        String example = java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "config", "examples", "multi-provider-fallbacks.yaml"));
        var config = dev.sluice.core.config.ConfigLoader.parse(example, java.util.Map.of(
                "OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY", "sk-ant-test", "GEMINI_API_KEY", "test"));
        assertEquals(3, config.router().numRetries());
        assertEquals(Duration.ofSeconds(2), config.router().retryAfter());
        assertEquals(Duration.ofMinutes(10), config.requestTimeout());
        assertTrue(config.modelList().stream().allMatch(deployment -> deployment.rpm() == 1000));
        assertEquals(List.of("gpt-4o", "claude-opus-4.1", "gemini-2.5-pro"), config.router().fallbacks().get("gpt-5-mini"));
        assertEquals(List.of("gpt-4o-mini", "claude-sonnet-4", "gemini-2.0-flash"), config.router().fallbacks().get("gpt-4o"));
        assertEquals(List.of("claude-sonnet-4", "gpt-4o", "gemini-2.5-pro"), config.router().fallbacks().get("claude-opus-4.1"));
        assertEquals(List.of("gemini-2.0-flash", "gpt-4o", "claude-sonnet-4"), config.router().fallbacks().get("gemini-2.5-pro"));

        Router router = fixture.router(example);
        fixture.upstream.down("gpt-5-mini").down("gpt-4o");
        var context = fixture.context();
        var result = (dev.sluice.api.ModelResponse) router.route(chat("gpt-5-mini"), context);
        assertEquals("claude-opus-4-1", result.body().path("model_sent").asText());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)), fixture.pauses,
                "3 retries 2 s apart on each of the two failing groups");
        assertEquals("6", fixture.header("x-litellm-attempted-retries"));
        assertEquals("2", fixture.header("x-litellm-attempted-fallbacks"));
    }

    private static dev.sluice.api.ChatRequest streamed(String model) {
        return RouterFixture.request("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
