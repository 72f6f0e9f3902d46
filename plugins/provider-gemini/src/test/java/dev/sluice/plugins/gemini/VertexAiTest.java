package dev.sluice.plugins.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderContext;
import dev.sluice.testkit.FakeGemini;
import dev.sluice.testkit.JdkHttpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vertex AI: the Gemini wire format at Vertex's address with a service account's token. A fake
 * token endpoint checks the JWT bearer assertion (its RS256 signature with the account's public
 * key, its claims) as Google's OAuth 2.0 for service accounts describes, and answers a token.
 */
class VertexAiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeGemini vertex = new FakeGemini().acceptBearer("ya29.fake-vertex-token");
    private final List<JsonNode> assertions = new CopyOnWriteArrayList<>();
    private HttpServer google;
    private KeyPair keys;

    @BeforeEach
    void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        google = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        google.createContext("/token", exchange -> {
            try (exchange) {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String assertion = URLDecoder.decode(form.replaceFirst(".*assertion=", ""), StandardCharsets.UTF_8);
                boolean valid = form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
                        && verifies(assertion);
                String answer = valid ? "{\"access_token\":\"ya29.fake-vertex-token\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"
                        : "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}";
                byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(valid ? 200 : 400, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        google.start();
    }

    @AfterEach
    void stop() {
        vertex.close();
        google.stop(0);
    }

    private boolean verifies(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(keys.getPublic());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertions.add(JSON.readTree(Base64.getUrlDecoder().decode(parts[1])));
            return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (Exception e) {
            return false;
        }
    }

    private String serviceAccount() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return JSON.createObjectNode().put("type", "service_account").put("project_id", "acme-ai")
                .put("private_key_id", "key-1").put("private_key", pem)
                .put("client_email", "sluice@acme-ai.iam.gserviceaccount.com")
                .put("token_uri", "http://127.0.0.1:" + google.getAddress().getPort() + "/token").toString();
    }

    private Deployment deployment(String credentials) {
        ObjectNode extra = JSON.createObjectNode().put("vertex_project", "acme-ai").put("vertex_location", "europe-west4")
                .put("vertex_credentials", credentials);
        return new Deployment("vx", "gemini", "vertex_ai", "gemini-2.5-flash", Optional.of(vertex.baseUri().toString()),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(10), Map.of(), extra,
                JSON.createObjectNode());
    }

    private static ChatRequest chat() throws IOException {
        return new ChatRequest((ObjectNode) JSON.readTree("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    }

    @Test
    void aServiceAccountTokenIsFetchedOnceAndVertexsAddressIsCalled() throws Exception {
        GeminiProvider adapter = new GeminiProvider();
        ProviderContext context = new ProviderContext(deployment(serviceAccount()), new JdkHttpTransport(), JSON, "c");
        adapter.validate(context.deployment());
        ModelResponse response = adapter.chat(chat(), context);
        adapter.chat(chat(), context);
        assertEquals("Hello from the fake Gemini API.",
                response.body().path("choices").path(0).path("message").path("content").asText());
        assertEquals(1, assertions.size(), "the token is kept until near its expiry");
        JsonNode claims = assertions.getFirst();
        assertEquals("sluice@acme-ai.iam.gserviceaccount.com", claims.path("iss").asText());
        assertEquals(GoogleTokens.SCOPE, claims.path("scope").asText());
        assertTrue(claims.path("aud").asText().endsWith("/token"));
        var request = vertex.takeRequest();
        assertEquals("/v1/projects/acme-ai/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent",
                request.path());
        assertEquals("Bearer ya29.fake-vertex-token", request.header("authorization").orElseThrow());
    }

    @Test
    void embeddingsArePredictionsWithTheirTokenCounts() throws Exception {
        Deployment embedding = new Deployment("ve", "e", "vertex_ai", "text-embedding-005", Optional.of(vertex.baseUri().toString()),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(10), Map.of(),
                JSON.createObjectNode().put("vertex_project", "acme-ai").put("vertex_credentials", serviceAccount()),
                JSON.createObjectNode());
        ModelResponse response = new GeminiProvider().embed(new dev.sluice.api.EmbeddingRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"e\",\"input\":[\"a b\",\"c d e\"]}")), new ProviderContext(embedding,
                new JdkHttpTransport(), JSON, "c"));
        assertEquals(2, response.body().path("data").size());
        assertEquals(5, response.body().path("usage").path("prompt_tokens").asInt());
        assertTrue(vertex.takeRequest().path().endsWith("/publishers/google/models/text-embedding-005:predict"));
    }

    @Test
    void aKeyGoogleRefusesIsAnAuthenticationErrorWithoutTheKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair other = generator.generateKeyPair();
        String wrongKey = serviceAccount().replace(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()).replace("\n", "\\n"),
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(other.getPrivate().getEncoded()).replace("\n", "\\n"));
        GatewayException e = assertThrows(GatewayException.class, () -> new GeminiProvider().chat(chat(),
                new ProviderContext(deployment(wrongKey), new JdkHttpTransport(), JSON, "c")));
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertTrue(e.getMessage().contains("Invalid JWT Signature"), e.getMessage());
        assertTrue(!e.getMessage().contains("PRIVATE KEY"));
    }

    @Test
    void vertexNeedsAProjectAndServesGeminiModelsOnly() {
        Deployment noProject = new Deployment("vx", "g", "vertex_ai", "gemini-2.5-pro", Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), JSON.createObjectNode(),
                JSON.createObjectNode());
        if (System.getenv("VERTEXAI_PROJECT") == null) {
            assertThrows(IllegalArgumentException.class, () -> new GeminiProvider().validate(noProject));
        }
        Deployment claude = new Deployment("vx", "g", "vertex_ai", "claude-sonnet-4", Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(),
                JSON.createObjectNode().put("vertex_project", "p"), JSON.createObjectNode());
        assertThrows(IllegalArgumentException.class, () -> new GeminiProvider().validate(claude));
    }
}
