package dev.sluice.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.ModelRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentDefaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Deployment deployment(String extraParams) throws Exception {
        return new Deployment("d1", "group", "acme", "rocket", Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Map.of(), (ObjectNode) JSON.readTree(extraParams),
                JSON.createObjectNode());
    }

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static ChatRequest chat(String body) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree(body));
    }

    @Test
    void openAiParamsOfTheDeploymentAreDefaultsTheCallerOverrides() throws Exception {
        ChatRequest asked = chat("{\"model\":\"group\"," + MESSAGES + ",\"temperature\":0.9}");
        ModelRequest sent = DeploymentDefaults.apply(asked, deployment(
                "{\"temperature\":0.1,\"max_tokens\":256,\"stop\":[\"END\"],\"safety_settings\":[1]}"));
        assertEquals(0.9, sent.body().path("temperature").asDouble(), "the caller's value stands");
        assertEquals(256, sent.body().path("max_tokens").asInt(), "the deployment's default fills the gap");
        assertEquals("END", sent.body().path("stop").path(0).asText());
        assertFalse(sent.body().has("safety_settings"), "a vendor's own setting stays for its plugin");
        assertFalse(asked.body().has("max_tokens"), "the caller's body, shared by every attempt, is not changed");
    }

    @Test
    void aRequestThatLacksNoDefaultIsPassedAsItIs() throws Exception {
        ChatRequest asked = chat("{\"model\":\"group\"," + MESSAGES + ",\"max_tokens\":5}");
        assertSame(asked, DeploymentDefaults.apply(asked, deployment("{\"max_tokens\":256,\"vertex_project\":\"p\"}")));
    }
}
