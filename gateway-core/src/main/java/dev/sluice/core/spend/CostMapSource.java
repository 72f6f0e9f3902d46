package dev.sluice.core.spend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A newer model cost map, read once at start from where LiteLLM's variables say
 * ({@link dev.sluice.core.config.GatewayConfig#modelCostMapUrl()}: {@code
 * LITELLM_MODEL_COST_MAP_URL}, an http(s) URL, a {@code file:} URL or a path, unless {@code
 * LITELLM_LOCAL_MODEL_COST_MAP=True} keeps the shipped map).
 * Unlike LiteLLM, nothing is fetched unless a URL is set, so a gateway starts the same offline.
 * A map that cannot be read is logged and the shipped one is used: prices never stop start-up.
 */
public final class CostMapSource {

    private static final Logger LOG = LoggerFactory.getLogger(CostMapSource.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private CostMapSource() {
    }

    /** @return the price book: the shipped one, under the newer map at the URL if it can be read */
    public static PriceBook load(Optional<String> url, ObjectMapper json) {
        if (url.isEmpty()) {
            return PriceBook.shipped(json);
        }
        try {
            JsonNode newer = read(url.get(), json);
            if (!newer.isObject() || newer.isEmpty()) {
                throw new IOException("not a JSON object of models");
            }
            PriceBook book = PriceBook.shippedUnder(newer, json);
            LOG.info("Model cost map: {} models from {} over the shipped map", newer.size(), url.get());
            return book;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Model cost map from LITELLM_MODEL_COST_MAP_URL ({}) could not be read ({}); using the shipped map",
                    url.get(), e.getMessage());
            return PriceBook.shipped(json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PriceBook.shipped(json);
        }
    }

    private static JsonNode read(String location, ObjectMapper json) throws IOException, InterruptedException {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL).build()) {
                HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(URI.create(location)).timeout(TIMEOUT)
                        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200) {
                    throw new IOException("HTTP " + answer.statusCode());
                }
                return json.readTree(answer.body());
            }
        }
        Path file = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return json.readTree(Files.readAllBytes(file));
    }
}
