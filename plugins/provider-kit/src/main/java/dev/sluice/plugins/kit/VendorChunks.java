package dev.sluice.plugins.kit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;

/** What every plugin translating a vendor's stream into OpenAI chunks writes alike. */
public final class VendorChunks {

    private VendorChunks() {
    }

    /** @return a {@code chat.completion.chunk} with its id, time and model, and nothing else yet */
    public static ObjectNode envelope(ObjectMapper json, String id, String model) {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", System.currentTimeMillis() / 1000);
        chunk.put("model", model);
        return chunk;
    }

    /**
     * Closes a vendor stream. One read to its end first reads what is left (normally just the end
     * of the chunked encoding, already arrived) so the transport can put the connection back in
     * its pool; a stream closed before its end aborts the connection, which cancels the call.
     *
     * @param upstream the stream
     * @param complete whether the vendor's last event has arrived
     */
    public static void close(UpstreamStream upstream, boolean complete) {
        if (complete) {
            try {
                upstream.body().skip(64 * 1024);
                upstream.body().read();
            } catch (IOException | RuntimeException e) {
                // the connection is closed below either way
            }
        }
        upstream.close();
    }
}
