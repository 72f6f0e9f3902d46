package dev.sluice.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnsupportedParamsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSLATED = Set.of("max_tokens", "temperature");

    private static Deployment deployment(String extraParams) throws Exception {
        return new Deployment("d1", "group", "acme", "rocket", Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Map.of(), (ObjectNode) JSON.readTree(extraParams),
                JSON.createObjectNode());
    }

    private static ChatRequest chat(String extra) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree("{\"model\":\"group\",\"stream\":true,\"user\":\"u\","
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + extra + "}"));
    }

    @Test
    void parametersThePluginDoesNotTranslateAreRefusedByName() throws Exception {
        GatewayException refused = assertThrows(GatewayException.class, () -> UnsupportedParams.apply(
                chat(",\"max_tokens\":5,\"seed\":1,\"logit_bias\":{}"), TRANSLATED, deployment("{}")));
        assertEquals(400, refused.status());
        assertEquals("logit_bias", refused.param().orElseThrow());
        assertTrue(refused.getMessage().contains("[logit_bias, seed]") && refused.getMessage().contains("drop_params"),
                refused.getMessage());
    }

    @Test
    void dropParamsInTheRequestOrTheDeploymentDropsThem() throws Exception {
        ChatRequest asked = chat(",\"max_tokens\":5,\"seed\":1,\"drop_params\":true");
        ModelRequest sent = UnsupportedParams.apply(asked, TRANSLATED, deployment("{}"));
        assertFalse(sent.body().has("seed"));
        assertEquals(5, sent.body().path("max_tokens").asInt());
        assertTrue(asked.body().has("seed"), "the caller's body, shared by every attempt, is not changed");
        ModelRequest byDeployment = UnsupportedParams.apply(chat(",\"seed\":1"), TRANSLATED,
                deployment("{\"drop_params\":true}"));
        assertFalse(byDeployment.body().has("seed"));
    }

    @Test
    void whatEveryAdapterTakesAndPluginsThatNameNothingAreLeftAlone() throws Exception {
        ChatRequest plain = chat(",\"temperature\":0.2");
        assertSame(plain, UnsupportedParams.apply(plain, TRANSLATED, deployment("{}")),
                "model, messages, stream, stream_options and user always pass");
        ChatRequest anything = chat(",\"seed\":1");
        assertSame(anything, UnsupportedParams.apply(anything, Set.of(), deployment("{}")));
    }
}
