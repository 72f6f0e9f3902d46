package dev.sluice.plugins.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import dev.sluice.testkit.RecordedRequest;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest extends HttpProviderAdapterContract {

    private final FakeOpenAi upstream = new FakeOpenAi();
    private final OpenAiProvider adapter = new OpenAiProvider();

    @AfterEach
    void stopUpstream() {
        upstream.close();
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
        ObjectNode extra = JSON.createObjectNode().put("organization", "org-test").put("temperature", 0.25);
        return Deployments.of("openai/gpt-4o-mini", upstreamBase + "/v1", PROVIDER_KEY, extra);
    }

    @Test
    void forwardsTheCallersBodyWithTheUpstreamModelAndUnknownParameters() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("""
                {"model":"my-group","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "tool_choice":"auto","seed":42,"n":1,"logprobs":true,"some_vendor_extra":{"x":1}}""");
        adapter.chat(new ChatRequest(body), context());
        RecordedRequest request = upstream.takeRequest();
        JsonNode sent = JSON.readTree(request.body());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("gpt-4o-mini", sent.path("model").asText());
        assertEquals(42, sent.path("seed").asInt());
        assertEquals("f", sent.path("tools").path(0).path("function").path("name").asText());
        assertEquals(1, sent.path("some_vendor_extra").path("x").asInt());
        assertEquals(0.25, sent.path("temperature").asDouble(), "deployment params fill in what the caller left out");
        assertEquals("Bearer " + PROVIDER_KEY, request.header("authorization").orElseThrow());
        assertEquals("org-test", request.header("openai-organization").orElseThrow());
        assertTrue(!sent.has("organization"));
        assertEquals("my-group", body.path("model").asText(), "the caller's body is never mutated");
    }

    @Test
    void theCallersParametersWinOverTheDeployments() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.9}");
        adapter.chat(new ChatRequest(body), context());
        assertEquals(0.9, JSON.readTree(upstream.takeRequest().body()).path("temperature").asDouble());
    }

    @Test
    void streamsAlwaysAskTheUpstreamForUsage() throws Exception {
        adapter.streamChat(chatRequest(true, false), context()).close();
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean());
    }

    @Test
    void embeddingsGoToTheEmbeddingsEndpoint() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("{\"model\":\"emb\",\"input\":[\"a\",\"b\"]}");
        ModelResponse response = adapter.embed(new EmbeddingRequest(body), context());
        assertEquals(2, response.body().path("data").size());
        assertEquals("/v1/embeddings", upstream.takeRequest().path());
    }

    @Test
    void listsTheUpstreamsModels() {
        assertEquals("gpt-4o-mini", adapter.listModels(context()).getFirst().id());
    }

    @Test
    void compatibleServersWithoutADefaultBaseNeedApiBase() {
        Deployment vllm = Deployments.of("hosted_vllm/llama", null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter.validate(vllm));
        assertTrue(e.getMessage().startsWith("api_base"), e.getMessage());
        adapter.validate(Deployments.of("groq/llama-3.1-8b-instant", null, null));
        for (String bad : new String[] {"localhost:8000", "ftp://host/v1", "http://bad host/v1"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> adapter.validate(Deployments.of("hosted_vllm/llama", bad, null)), bad);
            assertTrue(refused.getMessage().startsWith("api_base: expected an http(s) URL"), refused.getMessage());
        }
    }
}
