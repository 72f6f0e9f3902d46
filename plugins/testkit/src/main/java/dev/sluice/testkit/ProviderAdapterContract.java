package dev.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Configurable;
import dev.sluice.api.Deployment;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.PluginSettings;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ProviderAdapter} must do, whatever its vendor: the test of each provider
 * plugin extends this class (or {@link HttpProviderAdapterContract} for adapters that call an
 * upstream over HTTP) and supplies the adapter and a deployment it serves.
 */
public abstract class ProviderAdapterContract {

    /** The JSON mapper the contract hands adapters, as the gateway would. */
    protected static final ObjectMapper JSON = new ObjectMapper();

    /** @return the adapter under test */
    protected abstract ProviderAdapter adapter();

    /** @return a deployment the adapter serves */
    protected abstract Deployment deployment();

    /** @return the transport handed to the adapter */
    protected HttpTransport transport() {
        return new JdkHttpTransport();
    }

    /** @return the context for one call to {@link #deployment()} */
    protected ProviderContext context() {
        return new ProviderContext(deployment(), transport(), JSON, "call-contract-test");
    }

    /** @return a chat request for the deployment's model group */
    protected ChatRequest chatRequest(boolean stream, boolean includeUsage) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", deployment().providerModel());
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hello in three words.");
        body.put("max_tokens", 32);
        if (stream) {
            body.put("stream", true);
            if (includeUsage) {
                body.putObject("stream_options").put("include_usage", true);
            }
        }
        return new ChatRequest(body);
    }

    /**
     * The gateway configures a {@link Configurable} adapter with empty settings when the config has
     * none for its plugin: it must then work on its defaults, or refuse with a message naming the
     * setting it needs ({@link PluginSettings#invalid}), never fail some other way.
     */
    @Test
    void takesEmptySettingsOrNamesTheOneItNeeds() {
        if (adapter() instanceof Configurable configurable) {
            try {
                configurable.configure(PluginSettings.none("contract-test"));
            } catch (IllegalArgumentException e) {
                assertTrue(String.valueOf(e.getMessage()).startsWith("plugin_settings.contract-test."),
                        "refuse missing settings with PluginSettings.invalid(name, reason), which names them: " + e);
            }
        }
    }

    @Test
    void servesTheDeploymentsProvider() {
        assertTrue(adapter().providers().contains(deployment().provider()),
                "providers() must include " + deployment().provider());
        adapter().validate(deployment());
    }

    @Test
    void chatAnswersWithAnOpenAiChatCompletionAndUsage() {
        ModelResponse response = adapter().chat(chatRequest(false, false), context());
        ObjectNode body = response.body();
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("assistant", body.path("choices").path(0).path("message").path("role").asText());
        assertFalse(body.path("choices").path(0).path("message").path("content").asText().isEmpty());
        assertFalse(body.path("choices").path(0).path("finish_reason").asText().isEmpty());
        Usage usage = response.usage().orElseThrow(() -> new AssertionError("no usage in " + body));
        assertTrue(usage.promptTokens() > 0 && usage.completionTokens() > 0, usage.toString());
    }

    @Test
    void streamYieldsChunksWithTheSameTextAndUsageAsAPlainCall() {
        ModelResponse plain = adapter().chat(chatRequest(false, false), context());
        List<ChatChunk> chunks = new ArrayList<>();
        try (ChunkStream stream = adapter().streamChat(chatRequest(true, true), context())) {
            for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
                chunks.add(chunk);
            }
            assertNull(stream.next(), "a finished stream keeps returning null");
        }
        assertFalse(chunks.isEmpty());
        StringBuilder text = new StringBuilder();
        String finishReason = null;
        Usage usage = null;
        for (ChatChunk chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.data().path("object").asText(), chunk.data().toString());
            text.append(chunk.data().path("choices").path(0).path("delta").path("content").asText(""));
            String reason = chunk.data().path("choices").path(0).path("finish_reason").asText(null);
            finishReason = reason != null ? reason : finishReason;
            usage = chunk.usage().orElse(usage);
        }
        assertEquals(plain.body().path("choices").path(0).path("message").path("content").asText(), text.toString());
        assertEquals(plain.body().path("choices").path(0).path("finish_reason").asText(), finishReason);
        assertEquals(plain.usage().orElseThrow(), usage, "streamed usage must equal the plain call's");
    }

    @Test
    void closingAStreamBeforeItEndsIsSafe() {
        ChunkStream stream = adapter().streamChat(chatRequest(true, false), context());
        stream.next();
        stream.close();
        stream.close();
    }
}
