package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.sluice.testkit.FakeAnthropic;
import dev.sluice.testkit.FakeGemini;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's official Java client calling {@code responses.create} through the gateway, answered by
 * Anthropic and by Gemini: a plain response, a streamed one, and a function call whose output
 * continues the conversation with {@code previous_response_id}.
 */
class OpenAiSdkResponsesTest {

    @TempDir
    Path dir;
    private FakeAnthropic anthropic;
    private FakeGemini gemini;
    private RunningGateway gateway;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        anthropic = new FakeAnthropic();
        gemini = new FakeGemini();
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-0, api_base: "%s", api_key: sk-ant-secret}
                  - model_name: gemini
                    litellm_params: {model: gemini/gemini-2.5-flash, api_base: "%s", api_key: gm-secret}
                general_settings: {master_key: %s}
                """.formatted(anthropic.baseUri(), gemini.baseUri(), MASTER_KEY));
        client = OpenAIOkHttpClient.builder().apiKey(MASTER_KEY).baseUrl(gateway.uri("/v1").toString())
                .maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        anthropic.close();
        gemini.close();
    }

    private void reply(String text) {
        anthropic.reply(text);
        gemini.reply(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void responsesCreateIsAnswered(String model) {
        reply("Hello there friend");
        Response response = client.responses().create(ResponseCreateParams.builder().model(model)
                .instructions("Be brief.").input("Hi").build());
        assertTrue(response.id().startsWith("resp_"), response.id());
        assertEquals("Hello there friend", text(response.output()));
        assertTrue(response.usage().orElseThrow().outputTokens() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void responsesCreateStreamsDeltasAndEndsCompleted(String model) {
        reply("One two three four");
        StringBuilder deltas = new StringBuilder();
        Response[] completed = new Response[1];
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model(model).input("Count").build())) {
            stream.stream().forEach(event -> {
                event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta()));
                event.completed().ifPresent(done -> completed[0] = done.response());
            });
        }
        assertEquals("One two three four", deltas.toString().trim().replaceAll("\\s+", " "));
        assertEquals("One two three four", text(completed[0].output()).trim().replaceAll("\\s+", " "));
        assertTrue(completed[0].usage().orElseThrow().inputTokens() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void aFunctionCallsOutputContinuesTheConversation(String model) {
        anthropic.replyWithToolUse("get_weather", "{\"city\":\"Paris\"}");
        gemini.replyWithFunctionCall("get_weather", "{\"city\":\"Paris\"}");
        FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build()).build();
        Response first = client.responses().create(ResponseCreateParams.builder().model(model)
                .input("What is the weather in Paris?").addTool(weather).build());
        ResponseFunctionToolCall call = first.output().stream().flatMap(item -> item.functionCall().stream())
                .findFirst().orElseThrow(() -> new AssertionError("no function call in " + first));
        assertEquals("get_weather", call.name());
        assertTrue(call.arguments().contains("Paris"), call.arguments());

        reply("Sunny in Paris");
        Response second = client.responses().create(ResponseCreateParams.builder().model(model)
                .previousResponseId(first.id()).addTool(weather)
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(call.callId()).output("{\"sky\":\"sunny\"}").build()))).build());
        assertEquals("Sunny in Paris", text(second.output()));
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
    }

    private static String text(List<ResponseOutputItem> output) {
        StringBuilder text = new StringBuilder();
        output.forEach(item -> item.message().ifPresent(message -> message.content().forEach(part ->
                part.outputText().ifPresent(value -> text.append(value.text())))));
        return text.toString();
    }
}
