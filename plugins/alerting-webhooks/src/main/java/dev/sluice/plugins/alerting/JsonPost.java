package dev.sluice.plugins.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.UpstreamRequest;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** A webhook call: a JSON body POSTed to the channel's URL. */
final class JsonPost {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private JsonPost() {
    }

    static UpstreamRequest of(URI url, JsonNode body, ObjectMapper json) {
        try {
            return new UpstreamRequest("POST", url, Map.of("Content-Type", "application/json"),
                    json.writeValueAsBytes(body), TIMEOUT);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alert as chat channels show it, as LiteLLM words it. */
    static String text(dev.sluice.api.Alert alert) {
        return "Level: " + alert.level() + "\nAlert type: " + alert.type() + "\n\nMessage: " + alert.message();
    }
}
