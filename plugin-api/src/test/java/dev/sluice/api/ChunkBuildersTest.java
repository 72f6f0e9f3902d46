package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkBuildersTest {

    private final ProviderContext context = new ProviderContext(new Deployment("d1", "group", "acme", "rocket-1",
            Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(30), Map.of(),
            JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode()), new HttpTransport() {
                @Override
                public UpstreamResponse send(UpstreamRequest request) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public UpstreamStream stream(UpstreamRequest request) {
                    throw new UnsupportedOperationException();
                }
            }, new ObjectMapper(), "call-7");

    @Test
    void chunksHaveOpenAisShape() {
        ChatChunk first = ChatChunk.text(context, "assistant", "Hel");
        assertEquals("chat.completion.chunk", first.data().path("object").asText());
        assertEquals("chatcmpl-call-7", first.data().path("id").asText());
        assertEquals("rocket-1", first.data().path("model").asText());
        assertEquals("assistant", first.data().path("choices").path(0).path("delta").path("role").asText());
        assertEquals("Hel", first.data().path("choices").path(0).path("delta").path("content").asText());
        assertTrue(first.data().path("choices").path(0).path("finish_reason").isNull());
        assertEquals("length", ChatChunk.finish(context, "length").data().path("choices").path(0)
                .path("finish_reason").asText());
        ChatChunk usage = ChatChunk.usage(context, new Usage(12, 3, 0, 0));
        assertEquals(0, usage.data().path("choices").size());
        assertEquals(Optional.of(new Usage(12, 3, 0, 0)), usage.usage());
    }

    @Test
    void aWholeAnswerHasOpenAisShapeAndUsage() {
        ModelResponse answer = ModelResponse.chat(context, "Hello", "stop", new Usage(12, 1, 0, 0));
        assertEquals("chat.completion", answer.body().path("object").asText());
        assertEquals("Hello", answer.body().path("choices").path(0).path("message").path("content").asText());
        assertEquals("assistant", answer.body().path("choices").path(0).path("message").path("role").asText());
        assertEquals("stop", answer.body().path("choices").path(0).path("finish_reason").asText());
        assertEquals(Optional.of(new Usage(12, 1, 0, 0)), answer.usage());
    }
}
