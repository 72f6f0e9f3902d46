package dev.sluice.plugins.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest.Operation;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderContext;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeGemini;
import dev.sluice.testkit.JdkHttpTransport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenAI's image generation served by Google's Imagen models, as Imagen's predict API takes and answers it. */
class ImagenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeGemini upstream = new FakeGemini();
    private final ProviderContext context = new ProviderContext(Deployments.of("gemini/imagen-4.0-generate-001",
            upstream.baseUri().toString(), "gm-key"), new JdkHttpTransport(), JSON, "call-imagen");

    @AfterEach
    void stop() {
        upstream.close();
    }

    private EndpointRequest request(Operation operation, String body) throws Exception {
        return new EndpointRequest(operation, (ObjectNode) JSON.readTree(body), List.of());
    }

    @Test
    void promptCountAndSizeGoAsImagensInstanceAndParametersAndImagesComeBackAsBase64() throws Exception {
        ModelResponse answer = (ModelResponse) new GeminiProvider().serve(request(Operation.IMAGE_GENERATION,
                "{\"model\": \"imagen\", \"prompt\": \"a red kite\", \"n\": 2, \"size\": \"1792x1024\"}"), context);
        assertEquals(2, answer.body().path("data").size());
        assertEquals("iVBORw0KGgo0", answer.body().path("data").path(0).path("b64_json").asText());
        var sent = upstream.takeRequest();
        assertEquals("/v1beta/models/imagen-4.0-generate-001:predict", sent.path());
        JsonNode body = JSON.readTree(sent.body());
        assertEquals("a red kite", body.path("instances").path(0).path("prompt").asText());
        assertEquals(2, body.path("parameters").path("sampleCount").asInt());
        assertEquals("16:9", body.path("parameters").path("aspectRatio").asText());
    }

    @Test
    void whatImagenCannotDoIsRefusedByName() throws Exception {
        GatewayException size = assertThrows(GatewayException.class, () -> new GeminiProvider().serve(request(
                Operation.IMAGE_GENERATION, "{\"model\": \"imagen\", \"prompt\": \"x\", \"size\": \"999x999\"}"), context));
        assertEquals("size", size.param().orElseThrow());
        GatewayException moderation = assertThrows(GatewayException.class, () -> new GeminiProvider().serve(request(
                Operation.MODERATION, "{\"model\": \"imagen\", \"input\": \"x\"}"), context));
        assertEquals(400, moderation.status());
    }
}
