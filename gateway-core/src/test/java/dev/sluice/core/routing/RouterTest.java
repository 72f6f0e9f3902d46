package dev.sluice.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.testkit.JdkHttpTransport;
import dev.sluice.testkit.TestHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers with the deployment it was called for, so tests see the routing decision. */
    private static final class EchoAdapter implements ProviderAdapter {
        private final String provider;
        private RuntimeException failure;

        EchoAdapter(String provider) {
            this.provider = provider;
        }

        @Override
        public Set<String> providers() {
            return Set.of(provider);
        }

        @Override
        public void validate(dev.sluice.api.Deployment deployment) {
            if (deployment.providerModel().equals("refused")) {
                throw new IllegalArgumentException("api_base is required for this provider");
            }
        }

        @Override
        public ModelResponse chat(ChatRequest request, ProviderContext context) {
            if (failure != null) {
                throw failure;
            }
            return new ModelResponse(JSON.createObjectNode().put("deployment", context.deployment().id())
                    .put("model_sent", context.deployment().providerModel()).put("model_asked", request.model()));
        }

        @Override
        public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private static GatewayConfig config(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static ChatRequest chat(String model) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    }

    private static GatewayCallContext context() {
        return new GatewayCallContext("call-1", Instant.EPOCH, 0, TestHeaders.none(), "127.0.0.1");
    }

    private final EchoAdapter echo = new EchoAdapter("echo");

    private Router router(String yaml) {
        return new Router(new ModelCatalog(config(yaml).modelList(), List.of(echo)), new SimpleShufflePolicy(),
                new JdkHttpTransport(), JSON, RandomGenerator.of("L64X128MixRandom"));
    }

    @Test
    void callsTheGroupsDeploymentWhoseModelNamesTheUpstreamModel() throws Exception {
        Router router = router("model_list: [{model_name: fast, litellm_params: {model: echo/upstream-name}, model_info: {id: d1}}]");
        GatewayCallContext context = context();
        ModelResponse response = (ModelResponse) router.route(chat("fast"), context);
        assertEquals("d1", response.body().path("deployment").asText());
        assertEquals("upstream-name", response.body().path("model_sent").asText());
        assertEquals("fast", response.body().path("model_asked").asText(), "the adapter sees the caller's group");
        assertEquals("d1", context.attribute(Router.DEPLOYMENT).orElseThrow().id());
        assertTrue(context.attribute(Router.UPSTREAM_NANOS).isPresent());
    }

    @Test
    void anUnknownModelGetsLiteLlmsMessage() {
        Router router = router("model_list: [{model_name: fast, litellm_params: {model: echo/x}}]");
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("slow"), context()));
        assertEquals(400, e.status());
        assertEquals("Invalid model name passed in model=slow. Call /v1/models to view available models for your key.",
                e.getMessage());
        assertEquals("model", e.param().orElseThrow());
    }

    @Test
    void aGroupWhoseProviderHasNoPluginNamesThePluginAndOthersKeepServing() throws Exception {
        Router router = router("""
                model_list:
                  - {model_name: claude, litellm_params: {model: anthropic/claude-sonnet-4}}
                  - {model_name: fast, litellm_params: {model: echo/x}}
                """);
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("claude"), context()));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("provider-anthropic"), e.getMessage());
        assertTrue(router.route(chat("fast"), context()) instanceof ModelResponse);
    }

    @Test
    void aPluginThatRefusesADeploymentStopsStartUpNamingTheEntry() {
        ConfigException e = assertThrows(ConfigException.class, () -> router("""
                model_list:
                  - {model_name: ok, litellm_params: {model: echo/x}}
                  - {model_name: bad, litellm_params: {model: echo/refused}}
                """));
        assertEquals("model_list[1].litellm_params: api_base is required for this provider", e.getMessage());
    }

    @Test
    void aPluginsUnexpectedExceptionBecomesAnInternalErrorWithoutItsMessage() {
        echo.failure = new IllegalStateException("secret detail sk-abc");
        Router router = router("model_list: [{model_name: fast, litellm_params: {model: echo/x}}]");
        GatewayException e = assertThrows(GatewayException.class, () -> router.route(chat("fast"), context()));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertFalse(e.getMessage().contains("sk-abc"));
        assertTrue(e.getMessage().contains("IllegalStateException"));
    }

    @Test
    void weightedShufflePicksByWeight() throws Exception {
        Router router = router("""
                model_list:
                  - {model_name: g, litellm_params: {model: echo/a, weight: 9}, model_info: {id: heavy}}
                  - {model_name: g, litellm_params: {model: echo/b, weight: 1}, model_info: {id: light}}
                """);
        int heavy = 0;
        for (int i = 0; i < 1000; i++) {
            ModelResponse response = (ModelResponse) router.route(chat("g"), context());
            heavy += response.body().path("deployment").asText().equals("heavy") ? 1 : 0;
        }
        assertTrue(heavy > 850 && heavy < 950, "heavy picked " + heavy + " of 1000 (seeded, expected ~900)");
    }

    @Test
    void simpleShuffleFollowsTheRandomSource() {
        SimpleShufflePolicy policy = new SimpleShufflePolicy();
        var a = new dev.sluice.api.RoutingCandidate(dev.sluice.testkit.Deployments.of("echo/a", null, null),
                dev.sluice.api.DeploymentStats.NONE, 1, 0, 0);
        var b = new dev.sluice.api.RoutingCandidate(dev.sluice.testkit.Deployments.of("echo/b", null, null),
                dev.sluice.api.DeploymentStats.NONE, 3, 0, 0);
        RandomGenerator low = fixed(0.2);
        RandomGenerator high = fixed(0.3);
        assertSame(a, policy.pick(List.of(a, b), null, low), "0.2 x 4 = 0.8 falls in a's weight of 1");
        assertSame(b, policy.pick(List.of(a, b), null, high), "0.3 x 4 = 1.2 falls in b's weight");
    }

    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }
}
