package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testkit.FakeBedrock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bedrock through the shipped plugin and the gateway's own HTTP transport: the SigV4 signature
 * must survive what the transport does to the request (the model id's encoded ':' in the path,
 * the Host header), which the fake checks with its own implementation of the algorithm.
 */
class BedrockEndToEndTest {

    @TempDir
    Path dir;
    private FakeBedrock bedrock;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        bedrock = new FakeBedrock().expectCredentials("AKIAE2ETEST", "e2e/secret").reply("Hola from Bedrock");
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: claude-bedrock
                    litellm_params:
                      model: bedrock/anthropic.claude-sonnet-4-20250514-v1:0
                      api_base: "%s"
                      aws_access_key_id: AKIAE2ETEST
                      aws_secret_access_key: e2e/secret
                      aws_region_name: us-west-2
                general_settings: {master_key: %s}
                router_settings: {num_retries: 0}
                """.formatted(bedrock.baseUri(), MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        bedrock.close();
    }

    @Test
    void aSignedCallAndASignedStreamAreAnswered() throws Exception {
        HttpResponse<String> response = gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"claude-bedrock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Hola from Bedrock",
                RunningGateway.json(response).path("choices").path(0).path("message").path("content").asText());
        assertEquals("us-west-2", bedrock.lastSignedRegion());
        assertEquals("/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse", bedrock.takeRequest().path(),
                "the path as the plugin wrote and signed it");
        assertTrue(!response.body().contains("e2e/secret"));

        HttpRequest stream = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"claude-bedrock\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<Stream<String>> streamed = gateway.client().send(stream, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, streamed.statusCode());
        List<String> events;
        try (Stream<String> lines = streamed.body()) {
            events = lines.filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
        }
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            text.append(RunningGateway.JSON.readTree(event).path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals("Hola from Bedrock", text.toString());
        assertEquals("[DONE]", events.getLast());
    }
}
