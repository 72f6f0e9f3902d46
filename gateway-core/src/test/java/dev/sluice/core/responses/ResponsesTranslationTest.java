package dev.sluice.core.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.GatewayException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode read(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void inputItemsBecomeChatMessages() throws Exception {
        ObjectNode request = read("""
                {"model": "m", "instructions": "Be brief.", "max_output_tokens": 50, "reasoning": {"effort": "low"},
                 "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": true}},
                 "tool_choice": {"type": "function", "name": "f"},
                 "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": false}],
                 "input": [
                   {"role": "developer", "content": "Use metric units."},
                   {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Look:"},
                     {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "low"}]},
                   {"role": "assistant", "content": [{"type": "output_text", "text": "Calling."}]},
                   {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
                   {"type": "function_call", "call_id": "c2", "name": "f", "arguments": "{\\"x\\":1}"},
                   {"type": "reasoning", "id": "rs_1", "summary": []},
                   {"type": "function_call_output", "call_id": "c1", "output": "one"},
                   {"type": "function_call_output", "call_id": "c2", "output": [{"type": "input_text", "text": "two"}]}
                 ]}""");
        ResponsesRequests.Translated translated = ResponsesRequests.toChat(request, JSON.createArrayNode(), JSON);
        JsonNode chat = translated.chat().body();
        JsonNode messages = chat.path("messages");
        assertEquals("system", messages.path(0).path("role").asText());
        assertEquals("Be brief.", messages.path(0).path("content").asText());
        assertEquals("developer", messages.path(1).path("role").asText());
        assertEquals("image_url", messages.path(2).path("content").path(1).path("type").asText());
        assertEquals("low", messages.path(2).path("content").path(1).path("image_url").path("detail").asText());
        JsonNode assistant = messages.path(3);
        assertEquals("Calling.", assistant.path("content").asText());
        assertEquals(2, assistant.path("tool_calls").size(), "consecutive calls join the assistant's turn: " + assistant);
        assertEquals("c2", assistant.path("tool_calls").path(1).path("id").asText());
        assertEquals("tool", messages.path(4).path("role").asText());
        assertEquals("two", messages.path(5).path("content").asText());
        assertEquals(6, messages.size(), "the reasoning item is left out: " + messages);
        assertEquals(50, chat.path("max_tokens").asInt());
        assertEquals("low", chat.path("reasoning_effort").asText());
        assertEquals("w", chat.path("response_format").path("json_schema").path("name").asText());
        assertEquals("f", chat.path("tool_choice").path("function").path("name").asText());
        assertEquals("f", chat.path("tools").path(0).path("function").path("name").asText());
        assertEquals(5, translated.conversation().size(), "the conversation kept has no instructions");
    }

    @Test
    void aContinuedConversationComesBeforeTheNewInput() throws Exception {
        var previous = JSON.createArrayNode();
        previous.addObject().put("role", "user").put("content", "Hi");
        previous.addObject().put("role", "assistant").put("content", "Hello");
        ResponsesRequests.Translated translated = ResponsesRequests.toChat(read(
                "{\"model\": \"m\", \"instructions\": \"New rules.\", \"input\": \"And?\"}"), previous, JSON);
        JsonNode messages = translated.chat().body().path("messages");
        assertEquals(List.of("system", "user", "assistant", "user"), roles(messages));
        assertEquals(List.of("user", "assistant", "user"), roles(translated.conversation()));
    }

    @Test
    void whatCannotBeServedIsRefusedByName() {
        for (String body : List.of("{\"model\": \"m\"}", "{\"input\": \"x\"}",
                "{\"model\": \"m\", \"input\": [{\"role\": \"tool\", \"content\": \"x\"}]}",
                "{\"model\": \"m\", \"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_audio\"}]}]}",
                "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"name\": \"f\"}]}",
                "{\"model\": \"m\", \"input\": \"x\", \"tools\": [{\"type\": \"file_search\"}]}")) {
            GatewayException refused = org.junit.jupiter.api.Assertions.assertThrows(GatewayException.class,
                    () -> ResponsesRequests.toChat(read(body), JSON.createArrayNode(), JSON), body);
            assertEquals(400, refused.status(), body);
            assertTrue(refused.param().isPresent(), body);
        }
    }

    @Test
    void streamedToolCallsAndReasoningBecomeTheirItemsEvents() throws Exception {
        ResponsesEvents events = new ResponsesEvents(read("{\"model\": \"m\", \"input\": \"x\"}"), "resp_1", 1, JSON);
        List<ResponsesEvents.Event> all = new ArrayList<>();
        all.addAll(events.onChunk(chunk("{\"reasoning_content\": \"Think\"}", null)));
        all.addAll(events.onChunk(chunk("{\"content\": \"Let me check.\"}", null)));
        all.addAll(events.onChunk(chunk("{\"tool_calls\": [{\"index\": 0, \"id\": \"call_a\", \"function\": "
                + "{\"name\": \"f\", \"arguments\": \"{\\\"q\\\"\"}}]}", null)));
        all.addAll(events.onChunk(chunk("{\"tool_calls\": [{\"index\": 0, \"function\": {\"arguments\": \":1}\"}}]}",
                null)));
        all.addAll(events.onChunk(chunk("{\"tool_calls\": [{\"index\": 1, \"id\": \"call_b\", \"function\": "
                + "{\"name\": \"g\", \"arguments\": \"{}\"}}]}", "tool_calls")));
        all.addAll(events.end());
        List<String> types = all.stream().map(ResponsesEvents.Event::name).toList();
        assertEquals(4, types.stream().filter("response.output_item.added"::equals).count(), types.toString());
        assertEquals(4, types.stream().filter("response.output_item.done"::equals).count(), types.toString());
        assertTrue(types.contains("response.reasoning_summary_text.delta"), types.toString());
        assertEquals("response.completed", types.getLast());
        JsonNode output = all.getLast().data().path("response").path("output");
        assertEquals(List.of("reasoning", "message", "function_call", "function_call"),
                List.of(output.path(0).path("type").asText(), output.path(1).path("type").asText(),
                        output.path(2).path("type").asText(), output.path(3).path("type").asText()));
        assertEquals("{\"q\":1}", output.path(2).path("arguments").asText());
        assertEquals("call_b", output.path(3).path("call_id").asText());
        assertEquals("Think", output.path(0).path("summary").path(0).path("text").asText());
        assertEquals("completed", output.path(1).path("status").asText());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).data().path("sequence_number").asInt());
        }
        ObjectNode asMessage = ResponsesOutput.assistantMessage(events.response(), JSON);
        assertEquals("Let me check.", asMessage.path("content").asText());
        assertEquals(2, asMessage.path("tool_calls").size());
    }

    @Test
    void anAnswerCutByItsLimitIsIncompleteAndABrokenStreamFails() throws Exception {
        ResponsesEvents cut = new ResponsesEvents(read("{\"model\": \"m\"}"), "resp_2", 1, JSON);
        cut.onChunk(chunk("{\"content\": \"Once upon\"}", "length"));
        List<ResponsesEvents.Event> end = cut.end();
        assertEquals("response.incomplete", end.getLast().name());
        assertEquals("max_output_tokens", end.getLast().data().path("response").path("incomplete_details")
                .path("reason").asText());

        ResponsesEvents broken = new ResponsesEvents(read("{\"model\": \"m\"}"), "resp_3", 1, JSON);
        broken.onChunk(chunk("{\"content\": \"Once\"}", null));
        List<ResponsesEvents.Event> failed = broken.fail(GatewayException.of(dev.sluice.api.ErrorKind.UPSTREAM_UNAVAILABLE,
                "broke off"));
        assertEquals(List.of("error", "response.failed"), failed.stream().map(ResponsesEvents.Event::name).toList());
        assertEquals("503", failed.getFirst().data().path("code").asText());
        assertEquals("failed", failed.getLast().data().path("response").path("status").asText());
        assertFalse(broken.end().iterator().hasNext(), "nothing follows a failure");
    }

    private static ChatChunk chunk(String delta, String finish) throws Exception {
        ObjectNode data = read("{\"object\": \"chat.completion.chunk\", \"model\": \"m\"}");
        ObjectNode choice = data.putArray("choices").addObject().put("index", 0);
        choice.set("delta", JSON.readTree(delta));
        if (finish != null) {
            choice.put("finish_reason", finish);
        }
        return new ChatChunk(data);
    }

    private static List<String> roles(JsonNode messages) {
        List<String> roles = new ArrayList<>();
        messages.forEach(message -> roles.add(message.path("role").asText()));
        return roles;
    }
}
