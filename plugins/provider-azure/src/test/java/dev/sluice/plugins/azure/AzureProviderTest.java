package dev.sluice.plugins.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Secret;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import dev.sluice.testkit.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Azure OpenAI speaks OpenAI's wire format, so the fake OpenAI upstream stands in for it; what is
 * Azure's own is tested here: the deployment URL with its api-version, the v1 API, the
 * {@code api-key} header, and Entra ID tokens by client credentials (from a fake token endpoint
 * answering as Microsoft's identity platform documents for the client-credentials grant).
 */
class AzureProviderTest extends HttpProviderAdapterContract {

    private final FakeOpenAi upstream = new FakeOpenAi();
    private final AzureProvider adapter = new AzureProvider();
    private HttpServer entra;
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        upstream.close();
        if (entra != null) {
            entra.stop(0);
        }
    }

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return deployment(upstreamBase.toString(), Optional.of("2024-10-21"), PROVIDER_KEY, JSON.createObjectNode());
    }

    private static Deployment deployment(String base, Optional<String> version, String key, ObjectNode extra) {
        return new Deployment("az-1", "gpt-4o", "azure", "my-gpt-4o", Optional.of(base),
                Optional.ofNullable(key).map(Secret::new), version, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Map.of(), extra, JSON.createObjectNode());
    }

    private ProviderContext context(Deployment deployment) {
        return new ProviderContext(deployment, transport(), JSON, "call-1");
    }

    @Test
    void callsTheDeploymentUrlWithItsApiVersionAndTheKeyInApiKey() {
        adapter.chat(chatRequest(false, false), context());
        RecordedRequest request = upstream.takeRequest();
        assertEquals("/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21", request.path());
        assertEquals(PROVIDER_KEY, request.header("api-key").orElseThrow());
        assertTrue(request.header("authorization").isEmpty());
    }

    @Test
    void theV1ApiTakesTheModelInTheBody() throws Exception {
        Deployment v1 = deployment(upstream.baseUri() + "/openai/", Optional.of("v1"), PROVIDER_KEY, JSON.createObjectNode());
        adapter.chat(chatRequest(false, false), context(v1));
        RecordedRequest request = upstream.takeRequest();
        assertEquals("/openai/v1/chat/completions", request.path());
        assertEquals("my-gpt-4o", JSON.readTree(request.bodyText()).path("model").asText());
    }

    @Test
    void entraClientCredentialsGetATokenOnceAndSendItAsABearer() throws Exception {
        startEntra(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                + "\"access_token\":\"eyJ0eXAiOiJKV1Qi.fake.token\"}");
        ObjectNode extra = JSON.createObjectNode().put("tenant_id", "tenant-1").put("client_id", "client-1")
                .put("client_secret", "s3cret value").put("azure_authority_host", entraBase());
        Deployment deployment = deployment(upstream.baseUri().toString(), Optional.empty(), null, extra);
        adapter.chat(chatRequest(false, false), context(deployment));
        adapter.chat(chatRequest(false, false), context(deployment));
        assertEquals(1, tokenRequests.size(), "the token is kept until near its expiry");
        String form = tokenRequests.getFirst();
        assertTrue(form.contains("grant_type=client_credentials") && form.contains("client_id=client-1")
                && form.contains("client_secret=s3cret+value")
                && form.contains("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default"), form);
        RecordedRequest call = upstream.takeRequest();
        assertEquals("Bearer eyJ0eXAiOiJKV1Qi.fake.token", call.header("authorization").orElseThrow());
        assertTrue(call.path().endsWith("?api-version=" + AzureProvider.DEFAULT_API_VERSION));
        assertFalse(JSON.readTree(call.bodyText()).has("client_secret"), "plugin settings never go upstream");
    }

    @Test
    void aRefusedEntraSecretIsAnAuthenticationErrorWithoutTheSecret() throws Exception {
        startEntra(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret "
                + "provided.\"}");
        ObjectNode extra = JSON.createObjectNode().put("tenant_id", "t").put("client_id", "c")
                .put("client_secret", "wrong-secret-value").put("azure_authority_host", entraBase());
        GatewayException e = assertThrows(GatewayException.class, () -> adapter.chat(chatRequest(false, false),
                context(deployment(upstream.baseUri().toString(), Optional.empty(), null, extra))));
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertTrue(e.getMessage().contains("AADSTS7000215"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-value"));
    }

    @Test
    void anAzureDeploymentNeedsAnApiBase() {
        Deployment none = new Deployment("d", "g", "azure", "x", Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), JSON.createObjectNode(), JSON.createObjectNode());
        if (System.getenv("AZURE_API_BASE") == null) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter.validate(none));
            assertTrue(e.getMessage().startsWith("api_base is required for provider 'azure'"), e.getMessage());
        }
    }

    private void startEntra(int status, String answer) throws IOException {
        entra = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        entra.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().endsWith("/oauth2/v2.0/token")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                tokenRequests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        entra.start();
    }

    private String entraBase() {
        return "http://127.0.0.1:" + entra.getAddress().getPort();
    }
}
