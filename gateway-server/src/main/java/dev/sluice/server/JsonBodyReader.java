package dev.sluice.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a request's JSON object body: refuses one larger than the limit (413), one cut short or
 * badly framed (400), and JSON nested deeper than {@value #MAX_DEPTH} levels (400), which no model
 * or admin request needs and which made stored values unreadable later.
 */
final class JsonBodyReader {

    static final int MAX_DEPTH = 64;
    /**
     * A body costs several times its size while it is parsed and forwarded (the bytes, the tree,
     * the upstream request): one may take at most this share of the heap.
     */
    private static final int HEAP_SHARE = 16;

    private final ObjectMapper json;
    private final JsonFactory depthLimited;
    private final long maxBytes;
    private final SlowClients slowClients;

    /**
     * @param maxBytes    {@code max_request_size_mb} in bytes; held to {@link #limit(long)}
     * @param slowClients the deadline a body must arrive within
     */
    JsonBodyReader(ObjectMapper json, long maxBytes, SlowClients slowClients) {
        StreamReadConstraints constraints = json.getFactory().streamReadConstraints();
        this.json = json;
        this.depthLimited = json.getFactory().rebuild()
                .streamReadConstraints(constraints.rebuild().maxNestingDepth(MAX_DEPTH).build()).build();
        this.maxBytes = limit(maxBytes);
        this.slowClients = slowClients;
    }

    /** @return a reader like this one for bodies of at most the given size */
    JsonBodyReader limitedTo(long bytes) {
        return new JsonBodyReader(json, Math.min(bytes, maxBytes), slowClients);
    }

    /** @return the configured body limit, held to what this JVM's heap can parse */
    static long limit(long configured) {
        return Math.min(configured, heapLimit());
    }

    /** @return the largest body the heap allows, whatever the config says */
    static long heapLimit() {
        long mb = Math.max(1, Runtime.getRuntime().maxMemory() / HEAP_SHARE / (1024 * 1024));
        return mb * 1024 * 1024;
    }

    /**
     * @return the body's bytes, as sent (possibly none), held to the same limits and deadlines as a
     *         JSON body: for bodies the gateway forwards untranslated
     */
    byte[] readRaw(ServerRequest request) {
        long declared = request.headers().first(HeaderNames.CONTENT_LENGTH).map(JsonBodyReader::length).orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes;
        try (SlowClients.BodyWatch watch = slowClients.watchBody()) {
            bytes = readBytes(request, declared, watch);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        if (declared >= 0 && bytes.length < declared) {
            throw GatewayException.badRequest("The request body ended after " + bytes.length + " of the "
                    + declared + " bytes its Content-Length announced.", null);
        }
        return bytes;
    }

    ObjectNode read(ServerRequest request) {
        byte[] bytes = readRaw(request);
        if (bytes.length == 0) {
            throw GatewayException.badRequest("The request body is empty. Send a JSON object.", null);
        }
        JsonNode body;
        try (JsonParser parser = depthLimited.createParser(bytes)) {
            body = json.readTree(parser);
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

    private byte[] readBytes(ServerRequest request, long declared, SlowClients.BodyWatch watch) {
        try (InputStream in = request.content().inputStream()) {
            // with its length declared, the body is read into an array of that size at once
            return declared >= 0 ? readExactly(in, (int) declared)
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException | UncheckedIOException e) {
            throw watch.lateOr(GatewayException.badRequest("The request body could not be read: the connection "
                    + "broke off.", null));
        } catch (GatewayException e) {
            throw e;
        } catch (RequestException e) {
            if (e.status().code() == ErrorKind.PAYLOAD_TOO_LARGE.defaultStatus()) { // a chunked body over the limit
                throw tooLarge();
            }
            throw watch.lateOr(GatewayException.badRequest("The request body could not be read: it is not valid "
                    + "HTTP framing.", null));
        } catch (RuntimeException e) {
            // Helidon reports a body shorter than its Content-Length, or a malformed chunk, with
            // unchecked exceptions of its own: the request's fault, not the gateway's
            throw watch.lateOr(GatewayException.badRequest("The request body could not be read: it ended before "
                    + "its Content-Length, or its chunked encoding is malformed.", null));
        }
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
                + " this gateway accepts (general_settings.max_request_size_mb, at most a sixteenth of the heap: "
                + "raise -Xmx through JAVA_OPTS for more).");
    }
}
