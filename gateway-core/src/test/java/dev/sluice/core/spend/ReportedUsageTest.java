package dev.sluice.core.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Usage;
import org.junit.jupiter.api.Test;

class ReportedUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void feed(ReportedUsage usage, String... events) throws Exception {
        for (String event : events) {
            usage.answer(JSON.readTree(event));
        }
    }

    @Test
    void anthropicsStreamGivesInputAtTheStartAndOutputAtTheEnd() throws Exception {
        ReportedUsage usage = new ReportedUsage("anthropic");
        feed(usage, """
                {"type":"message_start","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":20,
                 "cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":1}}}""",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":42}}");
        assertEquals("claude-sonnet-4-5", usage.model().orElseThrow());
        assertEquals(new Usage(125, 42, 100, 0, 5), usage.usage().orElseThrow());
    }

    @Test
    void openAisChatAndResponsesShapesAndGeminisAndCoheresAreRead() throws Exception {
        ReportedUsage chat = new ReportedUsage("openai");
        feed(chat, "{\"model\":\"gpt-4o\",\"choices\":[]}", "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":9,"
                + "\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":4}}}");
        assertEquals(new Usage(9, 3, 4, 0), chat.usage().orElseThrow());
        ReportedUsage responses = new ReportedUsage("openai");
        feed(responses, "{\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-5\",\"usage\":{\"input_tokens\":7,"
                + "\"output_tokens\":11,\"output_tokens_details\":{\"reasoning_tokens\":6}}}}");
        assertEquals("gpt-5", responses.model().orElseThrow());
        assertEquals(new Usage(7, 11, 0, 6), responses.usage().orElseThrow());

        ReportedUsage gemini = new ReportedUsage("gemini");
        gemini.request(null, "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        feed(gemini, "{\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":2}}");
        assertEquals("gemini-2.5-flash", gemini.model().orElseThrow());
        assertEquals(new Usage(12, 7, 0, 2), gemini.usage().orElseThrow());

        ReportedUsage cohere = new ReportedUsage("cohere");
        cohere.request(JSON.readTree("{\"model\":\"command-r\"}"), "/v2/chat");
        feed(cohere, "{\"usage\":{\"billed_units\":{\"input_tokens\":8,\"output_tokens\":2}}}");
        assertEquals(new Usage(8, 2, 0, 0), cohere.usage().orElseThrow());
        assertTrue(new ReportedUsage("").usage().isEmpty(), "an unknown service reports nothing");
    }
}
