package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images, audio, moderations and rerank through the gateway to an OpenAI-format upstream: the
 * JSON and multipart requests as OpenAI's reference has them, the answers as the upstream gave
 * them, and each call priced as LiteLLM prices it (per image or per pixel, by image tokens, by the
 * second, per query) on the spend log.
 */
class EndpointsEndToEndTest {

    private static final String BOUNDARY = "----test-boundary";

    @TempDir
    Path dir;
    private FakeOpenAi upstream;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = new FakeOpenAi().reply("the quick brown fox");
        StringBuilder models = new StringBuilder();
        for (String model : new String[] {"dall-e-3", "dall-e-2", "gpt-image-1", "whisper-1", "gpt-4o-transcribe",
                "omni-moderation-latest", "tts-1"}) {
            models.append("  - model_name: ").append(model).append("\n    litellm_params: {model: openai/").append(model)
                    .append(", api_base: \"").append(upstream.baseUri()).append("/v1\", api_key: sk-up}\n");
        }
        models.append("  - model_name: reranker\n    litellm_params: {model: hosted_vllm/rerank-v3.5, api_base: \"")
                .append(upstream.baseUri()).append("/v1\"}\n");
        gateway = RunningGateway.start(dir, "model_list:\n" + models + "general_settings: {master_key: " + MASTER_KEY + "}\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void imagesArePricedPerPixelOrByTheirTokens() throws Exception {
        HttpResponse<String> dalle = gateway.postWithMasterKey("/v1/images/generations",
                "{\"model\":\"dall-e-3\",\"prompt\":\"a cat\",\"n\":2,\"size\":\"1024x1024\"}");
        assertEquals(200, dalle.statusCode(), dalle.body());
        assertEquals(2, json(dalle).path("data").size());
        assertEquals("a cat", RunningGateway.JSON.readTree(upstream.takeRequest().body()).path("prompt").asText());
        HttpResponse<String> image = gateway.postWithMasterKey("/images/generations",
                "{\"model\":\"gpt-image-1\",\"prompt\":\"a cat\"}");
        assertEquals(200, image.statusCode(), image.body());

        BigDecimal standard = new BigDecimal("3.81469e-08").multiply(BigDecimal.valueOf(1024 * 1024));
        assertSpend("image_generation", standard.multiply(BigDecimal.valueOf(2)), "dall-e-3");
        // gpt-image-1: 10 text tokens at $5/M, 40 image tokens at $10/M, 1056 output image tokens at $40/M
        assertSpend("image_generation", new BigDecimal("0.00005").add(new BigDecimal("0.0004"))
                .add(new BigDecimal("0.04224")), "gpt-image-1");
    }

    @Test
    void anImageEditIsSentOnAsMultipart() {
        HttpResponse<String> edited = multipart("/v1/images/edits", "dall-e-2", "image", "cat.png", "image/png",
                new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertEquals(200, edited.statusCode(), edited.body());
        RecordedRequest sent = upstream.takeRequest();
        assertEquals("/v1/images/edits", sent.path());
        assertTrue(sent.header("content-type").orElseThrow().startsWith("multipart/form-data; boundary="));
        String form = new String(sent.body(), StandardCharsets.ISO_8859_1);
        assertTrue(form.contains("name=\"image\"; filename=\"cat.png\"") && form.contains("\u0089PNG"), form);
        assertTrue(form.contains("name=\"prompt\"\r\n\r\nmake it blue"), form);
        assertSpend("image_edit", new BigDecimal("1.9e-08").multiply(BigDecimal.valueOf(1024 * 1024)), "dall-e-2");
        HttpResponse<String> noImage = gateway.postWithMasterKey("/v1/images/edits", "{\"model\":\"dall-e-2\"}");
        assertEquals(400, noImage.statusCode());
        assertEquals("image", json(noImage).path("error").path("param").asText());
    }

    @Test
    void audioIsTranscribedAndPricedByTheSecondOrByItsTokens() {
        HttpResponse<String> whisper = multipart("/v1/audio/transcriptions", "whisper-1", "file", "speech.mp3",
                "audio/mpeg", "ID3fake".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, whisper.statusCode(), whisper.body());
        assertEquals("the quick brown fox", json(whisper).path("text").asText());
        assertSpend("audio_transcription", new BigDecimal("0.00035"), "whisper-1"); // 3.5 s at $0.0001/s

        HttpResponse<String> text = multipart("/audio/transcriptions", "gpt-4o-transcribe", "file", "speech.mp3",
                "audio/mpeg", "ID3fake".getBytes(StandardCharsets.US_ASCII), "response_format", "text");
        assertEquals(200, text.statusCode(), text.body());
        assertTrue(text.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertEquals("the quick brown fox", text.body());
    }

    @Test
    void speechArrivesAsAudioBytesAndIsPricedPerCharacter() {
        HttpResponse<byte[]> speech = gateway.client().sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/audio/speech"))
                .header("Authorization", "Bearer " + MASTER_KEY).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"tts-1\",\"input\":\"Hello there\",\"voice\":\"alloy\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).join();
        assertEquals(200, speech.statusCode());
        assertEquals("audio/mpeg", speech.headers().firstValue("content-type").orElseThrow());
        assertEquals("\u00ff\u00fbHello there", new String(speech.body(), StandardCharsets.ISO_8859_1));
        assertSpend("audio_speech", new BigDecimal("0.000015").multiply(BigDecimal.valueOf(11)), "tts-1");
    }

    @Test
    void moderationsNeedNoModelAndRerankIsPricedPerQuery() throws Exception {
        HttpResponse<String> moderated = gateway.postWithMasterKey("/v1/moderations", "{\"input\":[\"hello\",\"I will kill\"]}");
        assertEquals(200, moderated.statusCode(), moderated.body());
        assertTrue(json(moderated).path("results").path(1).path("flagged").asBoolean());
        assertEquals("omni-moderation-latest", RunningGateway.JSON.readTree(upstream.takeRequest().body())
                .path("model").asText(), "OpenAI's default moderation model when none is named");

        HttpResponse<String> reranked = gateway.postWithMasterKey("/v1/rerank", "{\"model\":\"reranker\","
                + "\"query\":\"capital of France\",\"documents\":[\"Berlin is in Germany\",\"Paris is the capital of France\"],"
                + "\"top_n\":1}");
        assertEquals(200, reranked.statusCode(), reranked.body());
        assertEquals(1, json(reranked).path("results").path(0).path("index").asInt(), "Paris first");
        assertEquals(1, json(reranked).path("results").size());
        assertSpend("rerank", new BigDecimal("0.002"), "reranker");
        assertSpend("moderation", BigDecimal.ZERO, "omni-moderation-latest");
    }

    @Test
    void googlesImagenServesImagesPricedPerImageFromLiteLlmsMap() throws Exception {
        try (dev.sluice.testkit.FakeGemini gemini = new dev.sluice.testkit.FakeGemini();
             RunningGateway google = RunningGateway.start(java.nio.file.Files.createDirectories(dir.resolve("google")), """
                     model_list:
                       - model_name: imagen
                         litellm_params: {model: gemini/imagen-4.0-generate-001, api_base: "%s", api_key: gm-key}
                     general_settings: {master_key: %s}
                     """.formatted(gemini.baseUri(), MASTER_KEY))) {
            HttpResponse<String> images = google.postWithMasterKey("/v1/images/generations",
                    "{\"model\":\"imagen\",\"prompt\":\"a red kite\",\"n\":3}");
            assertEquals(200, images.statusCode(), images.body());
            assertEquals(3, json(images).path("data").size());
            assertTrue(google.server().gateway().spend().flush());
            JsonNode log = json(google.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
            assertEquals(0, new BigDecimal("0.12").compareTo(log.path("spend").decimalValue()),
                    "3 images at LiteLLM's $0.04: " + log);
        }
    }

    private void assertSpend(String callType, BigDecimal expected, String group) {
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode logs = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
        for (JsonNode log : logs) {
            if (log.path("model_group").asText().equals(group) && log.path("call_type").asText().equals(callType)) {
                // the spend column keeps 10 decimals
                assertEquals(0, expected.setScale(10, java.math.RoundingMode.HALF_UP).compareTo(
                        log.path("spend").decimalValue()), callType + ": " + log);
                return;
            }
        }
        throw new AssertionError("no " + callType + " row for " + group + " in " + logs);
    }

    private HttpResponse<String> multipart(String path, String model, String fileField, String filename, String type,
                                           byte[] content, String... fields) {
        StringBuilder head = new StringBuilder();
        head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n")
                .append(model).append("\r\n");
        head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n")
                .append("make it blue\r\n");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"").append(fields[i])
                    .append("\"\r\n\r\n").append(fields[i + 1]).append("\r\n");
        }
        head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"").append(fileField)
                .append("\"; filename=\"").append(filename).append("\"\r\nContent-Type: ").append(type).append("\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] end = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new byte[start.length + content.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(content, 0, body, start.length, content.length);
        System.arraycopy(end, 0, body, start.length + content.length, end.length);
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + MASTER_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }
}
