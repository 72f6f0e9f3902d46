package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real server on a free port, started from a config text, loading the first-party plugin jars
 * from the distribution's plugins folder (never from the class path), called with a real client.
 */
final class RunningGateway implements AutoCloseable {

    static final String MASTER_KEY = "sk-test-master-key-0123456789";
    static final Path DIST_PLUGINS = Path.of("target", "sluice", "plugins");
    static final ObjectMapper JSON = new ObjectMapper();

    private final SluiceServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RunningGateway(SluiceServer server) {
        this.server = server;
    }

    static RunningGateway start(Path dir, String configYaml) {
        return start(dir, configYaml, DIST_PLUGINS, Map.of());
    }

    static RunningGateway start(Path dir, String configYaml, Path pluginsDir, Map<String, String> env) {
        try {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, configYaml);
            return new RunningGateway(SluiceServer.start(
                    new ServerOptions(config, "127.0.0.1", 0, pluginsDir, dir.resolve("data")), env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    SluiceServer server() {
        return server;
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    HttpResponse<String> postWithMasterKey(String path, String body) {
        return post(path, body, "Authorization", "Bearer " + MASTER_KEY);
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient client() {
        return client;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
