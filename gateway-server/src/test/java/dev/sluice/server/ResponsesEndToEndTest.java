package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeAnthropic;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's Responses API answered by Anthropic through the gateway, on the wire: the response
 * object, the streamed event sequence, function tools and their outputs across turns with
 * previous_response_id, stored responses read and deleted by the key that made them only, and
 * spend recorded as for chat.
 */
class ResponsesEndToEndTest {

    @TempDir
    Path dir;
    private FakeAnthropic anthropic;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        anthropic = new FakeAnthropic().reply("Bonjour from Claude").inputTokens(20, 0, 0);
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-0, api_base: "%s", api_key: sk-ant-secret}
                    model_info: {input_cost_per_token: 0.000003, output_cost_per_token: 0.000015}
                general_settings: {master_key: %s}
                """.formatted(anthropic.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        anthropic.close();
    }

    @Test
    void aResponseIsAnsweredInTheResponsesShapeAndPricedAsChat() throws Exception {
        HttpResponse<String> created = gateway.postWithMasterKey("/v1/responses", """
                {"model": "claude", "instructions": "Be French.", "input": "Hi", "max_output_tokens": 300,
                 "metadata": {"ticket": "42"}}""");
        assertEquals(200, created.statusCode(), created.body());
        JsonNode response = json(created);
        assertTrue(response.path("id").asText().startsWith("resp_"), response.toString());
        assertEquals("response", response.path("object").asText());
        assertEquals("completed", response.path("status").asText());
        assertEquals("Be French.", response.path("instructions").asText());
        assertEquals("42", response.path("metadata").path("ticket").asText());
        JsonNode message = response.path("output").path(0);
        assertEquals("message", message.path("type").asText());
        assertEquals("assistant", message.path("role").asText());
        assertEquals("output_text", message.path("content").path(0).path("type").asText());
        assertEquals("Bonjour from Claude", message.path("content").path(0).path("text").asText());
        assertEquals(20, response.path("usage").path("input_tokens").asInt());
        assertEquals(3, response.path("usage").path("output_tokens").asInt(), "the fake counts a token per word");
        assertEquals(23, response.path("usage").path("total_tokens").asInt());

        JsonNode sent = RunningGateway.JSON.readTree(anthropic.takeRequest().bodyText());
        assertEquals("Be French.", sent.path("system").path(0).path("text").asText());
        assertEquals(300, sent.path("max_tokens").asInt(), "max_output_tokens");
        assertEquals("Hi", sent.path("messages").path(0).path("content").path(0).path("text").asText());

        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
        assertEquals("responses", log.path("call_type").asText(), log.toString());
        assertEquals(0, new BigDecimal("0.000105").compareTo(log.path("spend").decimalValue()),
                "20 input tokens at 3e-6 and 3 output at 1.5e-5: " + log);
    }

    @Test
    void aStreamedResponseFollowsOpenAisEventSequence() throws Exception {
        List<JsonNode> events = stream("{\"model\": \"claude\", \"input\": \"Hi\", \"stream\": true}");
        List<String> types = events.stream().map(event -> event.path("type").asText()).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added"), types.subList(0, 4), types.toString());
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), types.subList(types.size() - 4, types.size()), types.toString());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).path("sequence_number").asInt(), "sequence numbers count up from 0");
            if (types.get(i).equals("response.output_text.delta")) {
                text.append(events.get(i).path("delta").asText());
            }
        }
        assertEquals("Bonjour from Claude", text.toString());
        JsonNode completed = events.getLast().path("response");
        assertEquals("completed", completed.path("status").asText());
        assertEquals("Bonjour from Claude", completed.path("output").path(0).path("content").path(0).path("text").asText());
        assertEquals(20, completed.path("usage").path("input_tokens").asInt(), completed.toString());
        assertEquals("in_progress", events.getFirst().path("response").path("status").asText());

        String id = completed.path("id").asText();
        JsonNode stored = json(gateway.get("/v1/responses/" + id, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(completed.path("output"), stored.path("output"), "a streamed response is stored as it ended");
    }

    @Test
    void functionCallsAndTheirOutputsContinueAConversationWithPreviousResponseId() throws Exception {
        anthropic.replyWithToolUse("get_weather", "{\"city\":\"Paris\"}");
        JsonNode first = json(gateway.postWithMasterKey("/v1/responses", """
                {"model": "claude", "input": [{"role": "user", "content": [{"type": "input_text", "text": "Weather?"}]}],
                 "tools": [{"type": "function", "name": "get_weather", "description": "Weather of a city",
                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                 "tool_choice": "auto"}"""));
        JsonNode call = first.path("output").path(0);
        assertEquals("function_call", call.path("type").asText(), first.toString());
        assertEquals("get_weather", call.path("name").asText());
        assertEquals("Paris", RunningGateway.JSON.readTree(call.path("arguments").asText()).path("city").asText());
        JsonNode sentFirst = RunningGateway.JSON.readTree(anthropic.takeRequest().bodyText());
        assertEquals("get_weather", sentFirst.path("tools").path(0).path("name").asText());

        anthropic.reply("It is sunny in Paris");
        JsonNode second = json(gateway.postWithMasterKey("/v1/responses", """
                {"model": "claude", "previous_response_id": "%s",
                 "input": [{"type": "function_call_output", "call_id": "%s", "output": "{\\"sky\\":\\"sunny\\"}"}]}"""
                .formatted(first.path("id").asText(), call.path("call_id").asText())));
        assertEquals("It is sunny in Paris", second.path("output").path(0).path("content").path(0).path("text").asText(),
                second.toString());
        assertEquals(first.path("id").asText(), second.path("previous_response_id").asText());
        JsonNode sent = RunningGateway.JSON.readTree(anthropic.takeRequest().bodyText());
        JsonNode turns = sent.path("messages");
        assertEquals(3, turns.size(), "the question, the tool call, its result: " + turns);
        assertEquals("Weather?", turns.path(0).path("content").path(0).path("text").asText());
        assertEquals("tool_use", turns.path(1).path("content").path(0).path("type").asText());
        assertEquals("tool_result", turns.path(2).path("content").path(0).path("type").asText());
        assertEquals(call.path("call_id").asText(), turns.path(2).path("content").path(0).path("tool_use_id").asText());
    }

    @Test
    void storedResponsesAreTheirKeysOnly() throws Exception {
        String key = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        String other = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        JsonNode mine = json(gateway.post("/v1/responses", "{\"model\": \"claude\", \"input\": \"Hi\"}",
                "Authorization", "Bearer " + key));
        String id = mine.path("id").asText();
        assertEquals(mine, json(gateway.get("/v1/responses/" + id, "Authorization", "Bearer " + key)));
        HttpResponse<String> theirs = gateway.get("/v1/responses/" + id, "Authorization", "Bearer " + other);
        assertEquals(404, theirs.statusCode(), "another key cannot read it");
        HttpResponse<String> continued = gateway.post("/v1/responses", "{\"model\": \"claude\", \"input\": \"And?\","
                + "\"previous_response_id\": \"" + id + "\"}", "Authorization", "Bearer " + other);
        assertEquals(400, continued.statusCode(), "nor continue it");
        assertEquals("previous_response_id", json(continued).path("error").path("param").asText());
        assertEquals(404, gateway.delete("/v1/responses/" + id, "Authorization", "Bearer " + other).statusCode());

        JsonNode deleted = json(gateway.delete("/v1/responses/" + id, "Authorization", "Bearer " + key));
        assertEquals("response.deleted", deleted.path("object").asText());
        assertTrue(deleted.path("deleted").asBoolean());
        assertEquals(404, gateway.get("/v1/responses/" + id, "Authorization", "Bearer " + key).statusCode());

        JsonNode unstored = json(gateway.post("/v1/responses", "{\"model\": \"claude\", \"input\": \"Hi\","
                + "\"store\": false}", "Authorization", "Bearer " + key));
        assertFalse(unstored.path("store").asBoolean(), unstored.toString());
        assertEquals(404, gateway.get("/v1/responses/" + unstored.path("id").asText(), "Authorization",
                "Bearer " + key).statusCode(), "store: false keeps nothing");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        HttpResponse<String> noInput = gateway.postWithMasterKey("/v1/responses", "{\"model\": \"claude\"}");
        assertEquals(400, noInput.statusCode());
        assertEquals("input", json(noInput).path("error").path("param").asText());
        HttpResponse<String> builtIn = gateway.postWithMasterKey("/v1/responses", "{\"model\": \"claude\", \"input\": \"x\","
                + "\"tools\": [{\"type\": \"web_search\"}]}");
        assertEquals(400, builtIn.statusCode());
        assertEquals("tools", json(builtIn).path("error").path("param").asText());
        HttpResponse<String> badItem = gateway.postWithMasterKey("/v1/responses", "{\"model\": \"claude\", \"input\": "
                + "[{\"type\": \"item_reference\", \"id\": \"x\"}]}");
        assertEquals(400, badItem.statusCode());
    }

    @Test
    void responsesAreStoredOnPostgreSqlToo() throws Exception {
        try (GatewayOnDatabase onPostgres = GatewayOnDatabase.start(java.nio.file.Files.createDirectories(dir.resolve("pg")), "postgresql", """
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-0, api_base: "UPSTREAM", api_key: sk-ant-secret}
                general_settings:
                  master_key: MASTER
                  %s
                """.replace("UPSTREAM", anthropic.baseUri().toString()).replace("MASTER", MASTER_KEY))) {
            RunningGateway pg = onPostgres.gateway();
            JsonNode first = json(pg.postWithMasterKey("/v1/responses", "{\"model\": \"claude\", \"input\": \"Hi\"}"));
            assertEquals(first, json(pg.get("/v1/responses/" + first.path("id").asText(), "Authorization",
                    "Bearer " + MASTER_KEY)));
            JsonNode second = json(pg.postWithMasterKey("/v1/responses", "{\"model\": \"claude\", \"input\": \"And?\","
                    + "\"previous_response_id\": \"" + first.path("id").asText() + "\"}"));
            assertEquals("completed", second.path("status").asText(), second.toString());
        }
    }

    private List<JsonNode> stream(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/responses"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = gateway.client().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<JsonNode> events = new ArrayList<>();
        String name = null;
        try (Stream<String> lines = response.body()) {
            for (String line : lines.toList()) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    JsonNode data = RunningGateway.JSON.readTree(line.substring(6));
                    assertEquals(name, data.path("type").asText(), "the event name is the data's type");
                    events.add(data);
                }
            }
        }
        return events;
    }
}
