package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RequestValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void missingModelIsRefusedNamingTheParameter() throws Exception {
        GatewayException e = assertThrows(GatewayException.class,
                () -> new ChatRequest(body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
        assertEquals(400, e.status());
        assertEquals("model", e.param().orElseThrow());
    }

    @Test
    void missingOrEmptyMessagesAreRefusedNamingTheParameter() throws Exception {
        for (String json : new String[] {"{\"model\":\"m\"}", "{\"model\":\"m\",\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":\"hi\"}", "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}"}) {
            GatewayException e = assertThrows(GatewayException.class, () -> new ChatRequest(body(json)), json);
            assertEquals("messages", e.param().orElseThrow(), json);
        }
    }

    @Test
    void withModelCopiesTheBodyAndLeavesTheOriginalAlone() throws Exception {
        ChatRequest original = new ChatRequest(body(
                "{\"model\":\"group\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":7}"));
        ModelRequest renamed = original.withModel("gpt-4o-mini");
        assertEquals("gpt-4o-mini", renamed.model());
        assertEquals("group", original.model());
        assertEquals(7, renamed.body().path("seed").asInt());
        assertSame(original, original.withModel("group"));
    }

    @Test
    void maxOutputTokensPrefersMaxCompletionTokens() throws Exception {
        ChatRequest request = new ChatRequest(body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],"
                + "\"max_tokens\":10,\"max_completion_tokens\":20}"));
        assertEquals(20, request.maxOutputTokens().getAsLong());
    }

    @Test
    void secretsNeverShowInToString() {
        assertTrue(!new Secret("sk-very-secret").toString().contains("very-secret"));
    }

    @Test
    void usageReadsOpenAiDetails() throws Exception {
        Usage usage = Usage.fromOpenAi(JSON.readTree("{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}")).orElseThrow();
        assertEquals(new Usage(10, 5, 4, 2), usage);
        assertEquals(15, usage.totalTokens());
        assertEquals(usage, Usage.fromOpenAi(usage.toOpenAi()).orElseThrow());
    }

    @Test
    void pluginApiVersionComesFromTheBuild() {
        assertTrue(PluginApi.version().matches("\\d+\\.\\d+\\.\\d+"), PluginApi.version());
    }
}
