package dev.sluice.plugins.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.ProviderAdapterContract;
import org.junit.jupiter.api.Test;

class MockProviderTest extends ProviderAdapterContract {

    private final MockProvider adapter = new MockProvider();

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected Deployment deployment() {
        return Deployments.of("mock/any-model", null, null);
    }

    private ChatRequest chat(String json) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(json));
    }

    @Test
    void repliesTheSameWayEveryTime() throws Exception {
        ChatRequest request = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
        JsonNode first = adapter.chat(request, context()).body();
        assertEquals(first, adapter.chat(request, context()).body());
        assertEquals(MockReplies.DEFAULT_REPLY, first.path("choices").path(0).path("message").path("content").asText());
        assertEquals(4 + 3, first.path("usage").path("prompt_tokens").asLong(), "4 per message + 11 chars / 4");
    }

    @Test
    void mockResponseFromTheRequestOrTheDeploymentIsTheReply() throws Exception {
        ChatRequest request = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"mock_response\":\"per request\"}");
        assertEquals("per request", adapter.chat(request, context()).body()
                .path("choices").path(0).path("message").path("content").asText());
        Deployment configured = Deployments.of("mock/m", null, null,
                JSON.createObjectNode().put("mock_response", "from config"));
        ChatRequest plain = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("from config", adapter.chat(plain, new dev.sluice.api.ProviderContext(configured, transport(),
                JSON, "c")).body().path("choices").path(0).path("message").path("content").asText());
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        EmbeddingRequest request = new EmbeddingRequest((ObjectNode) JSON.readTree(
                "{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"dimensions\":40}"));
        JsonNode body = adapter.embed(request, context()).body();
        assertEquals(body, adapter.embed(request, context()).body());
        JsonNode vector = body.path("data").path(0).path("embedding");
        assertEquals(40, vector.size());
        double norm = 0;
        for (JsonNode value : vector) {
            norm += value.asDouble() * value.asDouble();
        }
        assertEquals(1.0, norm, 1e-9);
    }
}
