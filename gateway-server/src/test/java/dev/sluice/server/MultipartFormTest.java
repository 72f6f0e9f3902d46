package dev.sluice.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE = "multipart/form-data; boundary=\"b0undary\"";

    private static MultipartForm.Form read(String body) {
        return MultipartForm.read(body.getBytes(StandardCharsets.ISO_8859_1), TYPE, JSON.createObjectNode());
    }

    @Test
    void readsFieldsArraysAndFilesWithOrWithoutAFileName() {
        MultipartForm.Form form = read("""
                --b0undary\r
                Content-Disposition: form-data; name="model"\r
                \r
                whisper-1\r
                --b0undary\r
                Content-Disposition: form-data; name="timestamp_granularities[]"\r
                \r
                word\r
                --b0undary\r
                Content-Disposition: form-data; name="timestamp_granularities[]"\r
                \r
                segment\r
                --b0undary\r
                Content-Disposition: form-data; name="file"; filename="a.mp3"\r
                Content-Type: audio/mpeg\r
                \r
                \u00ff\u0000\r\n--not-the-boundary\r
                --b0undary\r
                Content-Disposition: form-data; name="image"\r
                Content-Type: application/octet-stream\r
                \r
                PNG\r
                --b0undary--\r
                """);
        assertEquals("whisper-1", form.fields().path("model").asText());
        assertEquals(List.of("word", "segment"), List.of(form.fields().path("timestamp_granularities").get(0).asText(),
                form.fields().path("timestamp_granularities").get(1).asText()));
        assertEquals(2, form.files().size());
        assertEquals("a.mp3", form.files().get(0).filename());
        assertArrayEquals("\u00ff\u0000\r\n--not-the-boundary".getBytes(StandardCharsets.ISO_8859_1),
                form.files().get(0).bytes(), "binary content, line breaks and dashes included, is kept whole");
        assertEquals("image", form.files().get(1).filename(), "a file part without a file name (OpenAI's Java SDK)");
    }

    @Test
    void whatIsNotWellFormedIsRefused() {
        for (String body : List.of("", "no boundary here", "--b0undary\r\nContent-Disposition: form-data; name=\"x\"\r\n",
                "--b0undary\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue without end",
                "--b0undary\r\nContent-Type: text/plain\r\n\r\nv\r\n--b0undary--\r\n")) {
            GatewayException refused = assertThrows(GatewayException.class, () -> read(body), body);
            assertEquals(400, refused.status());
        }
        assertThrows(GatewayException.class, () -> MultipartForm.read(new byte[0], "multipart/form-data",
                JSON.createObjectNode()), "no boundary in the type");
    }
}
