package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.GatewayException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ChunkStream} to the client as server-sent events, one {@code data:} line per
 * chunk, flushed as soon as it is written, ending in {@code data: [DONE]}. A failure mid-stream
 * becomes an error event. A client that goes away makes a write fail, which closes the stream and
 * with it the upstream call.
 *
 * <p>Provider plugins always deliver usage (spend needs it); a caller that did not ask for it
 * with {@code stream_options.include_usage} does not see it, as with OpenAI.
 */
final class StreamWriter {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final ErrorResponses errors;

    StreamWriter(ObjectMapper json, ErrorResponses errors) {
        this.json = json;
        this.errors = errors;
    }

    /** @return whether the usage chunk is shown to a caller who sent this body */
    static boolean callerWantsUsage(JsonNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    /**
     * @param first     the first chunk, already read (so errors before it could still be HTTP errors)
     * @param stream    the rest of the stream; closed by this method
     * @param out       the response body
     * @param showUsage whether the caller asked for the usage chunk
     * @return the failure that ended the stream early, null if it ended well or the client left
     */
    GatewayException write(ChatChunk first, ChunkStream stream, OutputStream out, boolean showUsage) {
        GatewayException failure = null;
        try (stream) {
            try {
                for (ChatChunk chunk = first; chunk != null; chunk = stream.next()) {
                    ObjectNode visible = showUsage ? chunk.data() : withoutUsage(chunk.data());
                    if (visible != null) {
                        out.write(DATA);
                        out.write(json.writeValueAsBytes(visible));
                        out.write(END_OF_EVENT);
                        out.flush();
                    }
                }
                out.write(DONE);
            } catch (GatewayException e) {
                failure = e;
                writeError(out, e);
            } catch (RuntimeException e) {
                if (isClientGone(e)) {
                    return null;
                }
                failure = ErrorResponses.internal(e);
                writeError(out, failure);
            }
            out.close();
        } catch (IOException | UncheckedIOException e) {
            // the client went away; closing the stream (above) cancelled the upstream call
        }
        return failure;
    }

    private void writeError(OutputStream out, GatewayException error) throws IOException {
        out.write(DATA);
        out.write(errors.bytes(error));
        out.write(END_OF_EVENT);
    }

    private static boolean isClientGone(RuntimeException e) {
        return e instanceof UncheckedIOException;
    }

    /** @return the chunk without usage; null for a chunk that carries nothing else */
    private static ObjectNode withoutUsage(ObjectNode chunk) {
        JsonNode usage = chunk.get("usage");
        if (usage == null) {
            return chunk;
        }
        if (chunk.path("choices").isEmpty()) {
            return null;
        }
        ObjectNode copy = chunk.deepCopy();
        copy.remove("usage");
        return copy;
    }
}
