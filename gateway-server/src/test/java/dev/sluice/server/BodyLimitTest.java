package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started as the launcher starts it (a 256 MB heap) refuses 50 MB bodies early with an
 * OpenAI-shaped 413, whether their length is declared or chunked and on every body route, instead
 * of running out of memory; the limit it announces fits its heap even when the config asks for
 * more; and it goes on serving.
 */
class BodyLimitTest {

    private static final int FIFTY_MB = 50 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void fiftyMegabyteBodiesAreRefusedWithoutExhaustingTheHeap() throws Exception {
        try (RunningGateway gateway = RunningGateway.startProcess(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: mock/gpt-4o-mini}
                general_settings: {master_key: %s, max_request_size_mb: 100}
                """.formatted(MASTER_KEY))) {
            String log = Files.readString(dir.resolve("gateway.log"));
            assertTrue(log.contains("bodies are limited to 16 MB"), "the config's 100 MB is held to the heap:\n" + log);
            for (String path : new String[] {"/v1/chat/completions", "/key/generate", "/v1/messages"}) {
                for (boolean chunked : new boolean[] {false, true}) {
                    String response = send(gateway.port(), path, FIFTY_MB, chunked);
                    String what = path + (chunked ? " chunked" : " with Content-Length");
                    assertTrue(response.startsWith("HTTP/1.1 413"), what + ": " + head(response));
                    JsonNode error = RunningGateway.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4))
                            .path("error");
                    assertTrue(error.path("message").asText().contains("MB"), what + ": " + error);
                }
            }
            String served = send(gateway.port(), "/v1/chat/completions", 8 * 1024 * 1024, false);
            assertTrue(served.startsWith("HTTP/1.1 200"), "a body within the limit is served: " + head(served));
            assertEquals(200, gateway.get("/health/liveliness").statusCode());
            assertFalse(Files.readString(dir.resolve("gateway.log")).contains("OutOfMemoryError"));
        }
    }

    private static String head(String response) {
        return response.substring(0, Math.min(300, response.length()));
    }

    /** Sends a chat body padded to the given size, from a thread of its own, and reads the answer. */
    private static String send(int port, String path, int size, boolean chunked) throws Exception {
        byte[] prefix = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                .getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(suffix, 0, body, size - suffix.length, suffix.length);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String headers = "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY
                    + "\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n") + "\r\n";
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(headers.getBytes(StandardCharsets.US_ASCII));
                    for (int at = 0; at < size; at += 65536) {
                        int length = Math.min(65536, size - at);
                        if (chunked) {
                            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(body, at, length);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException refusedEarly) {
                    // the gateway answered and closed before the whole body was sent
                }
            });
            String response = RawHttp.readResponse(socket.getInputStream());
            writer.join();
            return response;
        }
    }
}
