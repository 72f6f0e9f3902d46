package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAI's official Java client calling images, audio transcriptions (a multipart upload) and moderations through the gateway. */
class OpenAiSdkEndpointsTest {

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi().reply("hello from the audio");
        StringBuilder models = new StringBuilder("model_list:\n");
        for (String model : new String[] {"dall-e-3", "whisper-1", "omni-moderation-latest"}) {
            models.append("  - model_name: ").append(model).append("\n    litellm_params: {model: openai/").append(model)
                    .append(", api_base: \"").append(upstream.baseUri()).append("/v1\", api_key: sk-up}\n");
        }
        gateway = RunningGateway.start(dir, models + "general_settings: {master_key: " + MASTER_KEY + "}\n");
        client = OpenAIOkHttpClient.builder().apiKey(MASTER_KEY).baseUrl(gateway.uri("/v1").toString()).maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void imagesGenerate() {
        ImagesResponse images = client.images().generate(ImageGenerateParams.builder().model("dall-e-3")
                .prompt("a lighthouse").n(1).build());
        assertEquals(1, images.data().orElseThrow().size());
        assertTrue(images.data().orElseThrow().getFirst().url().orElseThrow().startsWith("https://images.fake/"));
    }

    @Test
    void audioTranscriptionsCreateUploadsTheFile() {
        var transcription = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .model("whisper-1").file("ID3-not-really-mp3".getBytes(StandardCharsets.US_ASCII)).build());
        assertEquals("hello from the audio", transcription.asTranscription().text());
        RecordedRequest sent = upstream.takeRequest();
        assertTrue(new String(sent.body(), StandardCharsets.ISO_8859_1).contains("ID3-not-really-mp3"));
    }

    @Test
    void moderationsCreateWithOpenAisDefaultModel() {
        ModerationCreateResponse moderated = client.moderations().create(ModerationCreateParams.builder()
                .input("a friendly greeting").build());
        assertFalse(moderated.results().getFirst().flagged());
    }
}
