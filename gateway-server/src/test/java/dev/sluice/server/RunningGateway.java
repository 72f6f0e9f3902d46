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
 * from the distribution's plugins folder (never from the class path), called with a real client:
 * in this JVM, or as a process of its own through {@code Main}, as an operator starts it.
 */
final class RunningGateway implements AutoCloseable {

    static final String MASTER_KEY = "sk-test-master-key-0123456789";
    static final Path DIST_PLUGINS = Path.of("target", "sluice", "plugins");
    static final ObjectMapper JSON = new ObjectMapper();

    private static final String LISTENING = "Sluice listening on http://127.0.0.1:";

    private final SluiceServer server;
    private final Process process;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RunningGateway(SluiceServer server, Process process, int port) {
        this.server = server;
        this.process = process;
        this.port = port;
    }

    static RunningGateway start(Path dir, String configYaml) {
        return start(dir, configYaml, DIST_PLUGINS, Map.of());
    }

    /** Starts one whose spans go to the given tracing. */
    static RunningGateway start(Path dir, String configYaml, dev.sluice.core.telemetry.Tracing tracing) {
        try {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, configYaml);
            SluiceServer server = SluiceServer.start(
                    new ServerOptions(config, "127.0.0.1", 0, DIST_PLUGINS, dir.resolve("data")), Map.of(), tracing);
            return new RunningGateway(server, null, server.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunningGateway start(Path dir, String configYaml, Path pluginsDir, Map<String, String> env) {
        try {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, configYaml);
            SluiceServer server = SluiceServer.start(
                    new ServerOptions(config, "127.0.0.1", 0, pluginsDir, dir.resolve("data")), env);
            return new RunningGateway(server, null, server.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the gateway as its own operating-system process (this JVM's java and class path,
     * {@code Main}'s flags), its output in {@code gateway.log} in {@code dir}.
     */
    static RunningGateway startProcess(Path dir, String configYaml) throws IOException, InterruptedException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, configYaml);
        Path log = dir.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString(), "--host", "127.0.0.1", "--port", "0",
                "--plugins-dir", DIST_PLUGINS.toAbsolutePath().toString(), "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // no load balancer to tell: a test's SIGTERM need not wait for readiness to be noticed
        builder.environment().putIfAbsent("SLUICE_SHUTDOWN_READINESS_DELAY_SECONDS", "0");
        Process process = builder.start();
        // Start-up takes a second or two; the bound is only there so a broken start fails the test.
        for (int waited = 0; waited < 1200; waited++) {
            String output = Files.readString(log);
            int at = output.indexOf(LISTENING);
            if (at >= 0) {
                String rest = output.substring(at + LISTENING.length());
                return new RunningGateway(null, process, Integer.parseInt(rest.substring(0, rest.indexOf(' '))));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway process exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the gateway process did not start:\n" + Files.readString(log));
    }

    /** @return the port the gateway listens on */
    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** @return the server, for a gateway in this JVM */
    SluiceServer server() {
        if (server == null) {
            throw new IllegalStateException("the gateway runs in a process of its own");
        }
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

    HttpResponse<String> delete(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).DELETE();
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

    /** Sends the gateway's process SIGTERM, as Kubernetes does, and returns at once. */
    void terminate() {
        process.destroy();
    }

    /** @return whether the gateway's process exited within the time given */
    boolean awaitExit(java.time.Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Kills the gateway's process at once (SIGKILL, {@code kill -9}): no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            return;
        }
        process.destroy(); // SIGTERM: the shutdown hook closes the server as in production
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                // say where the shutdown hung, then make sure the process is gone before the test
                // goes on (a killed JVM still holds its files until it has exited)
                System.err.println("The gateway process did not stop within 30 s of SIGTERM; its threads:");
                try {
                    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            Long.toString(process.pid()), "Thread.print").inheritIO().start().waitFor(10,
                            java.util.concurrent.TimeUnit.SECONDS);
                } catch (IOException e) {
                    System.err.println("(no thread dump: " + e + ")");
                }
                process.destroyForcibly();
                process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
