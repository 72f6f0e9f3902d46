package dev.sluice.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request's JSON object body, refusing one larger than {@code max_request_size_mb}. */
final class JsonBodyReader {

    private final ObjectMapper json;
    private final long maxBytes;

    JsonBodyReader(ObjectMapper json, long maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    ObjectNode read(ServerRequest request) {
        long declared = request.headers().first(HeaderNames.CONTENT_LENGTH).map(JsonBodyReader::length).orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            // with its length declared, the body is read into an array of that size at once
            bytes = declared >= 0 ? readExactly(in, (int) declared)
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException | UncheckedIOException e) {
            throw GatewayException.badRequest("The request body could not be read: the connection broke off.", null);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            throw GatewayException.badRequest("The request body is empty. Send a JSON object.", null);
        }
        JsonNode body;
        try {
            body = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("The request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : "") + ".", null);
        } catch (IOException e) {
            throw GatewayException.badRequest("The request body is not valid JSON.", null);
        }
        if (!(body instanceof ObjectNode object)) {
            throw GatewayException.badRequest("The request body must be a JSON object.", null);
        }
        return object;
    }

    /**
     * Reads a body of a declared length into an array of that size, and on to its end, so that
     * Helidon sees it consumed and keeps the connection open for the next request.
     *
     * @return the bytes; fewer than declared if the body was cut short, more never
     */
    static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int read = in.readNBytes(bytes, 0, length);
        if (read < length) {
            return java.util.Arrays.copyOf(bytes, read);
        }
        if (in.read() != -1) {
            throw new IOException("the body is longer than its Content-Length");
        }
        return bytes;
    }

    private static long length(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private GatewayException tooLarge() {
        String limit = maxBytes % (1024 * 1024) == 0 ? maxBytes / (1024 * 1024) + " MB" : maxBytes + " bytes";
        return GatewayException.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is larger than the " + limit
                + " this gateway accepts (general_settings.max_request_size_mb).");
    }
}
