package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Debian's Chromium, headless, driven through chromedriver's W3C WebDriver protocol: a few
 * JSON calls over HTTP, so the tests need no Selenium and nothing downloads a browser. Waits
 * poll the page until a condition holds or {@link #PATIENCE} passes; they measure nothing.
 */
final class Browser implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI session;

    private Browser(Process driver, URI session) {
        this.driver = driver;
        this.session = session;
    }

    /** Starts chromedriver and a headless Chromium with a profile of its own under {@code dir}. */
    static Browser start(Path dir) throws IOException, InterruptedException {
        Path chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(Files.createTempFile(dir, "chromedriver", ".log").toFile())
                .start();
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        ObjectNode capabilities = JSON.createObjectNode();
        ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch").put("browserName", "chrome");
        always.putObject("goog:loggingPrefs").put("browser", "ALL"); // the console, for failure messages
        ObjectNode chrome = always.putObject("goog:chromeOptions").put("binary", chromium.toString());
        for (String arg : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1360,900", "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")))) {
            chrome.withArray("args").add(arg);
        }
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/session"))
                        .POST(HttpRequest.BodyPublishers.ofString(capabilities.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode value = JSON.readTree(created.body()).path("value");
                if (created.statusCode() != 200) {
                    driver.destroy();
                    throw new IllegalStateException("chromedriver could not start Chromium: " + value);
                }
                return new Browser(driver, base.resolve("/session/" + value.path("sessionId").asText() + "/"));
            } catch (java.net.ConnectException notYetListening) {
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    driver.destroy();
                    throw new IllegalStateException("chromedriver did not start", notYetListening);
                }
                Thread.sleep(50);
            }
        }
    }

    private static Path firstExisting(String... candidates) {
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("The browser tests drive Debian's Chromium: install it with "
                + "`apt-get install chromium chromium-driver` (.ci/run does). Looked for " + List.of(candidates));
    }

    void open(URI page) {
        command("POST", "url", JSON.createObjectNode().put("url", page.toString()));
    }

    /** @return the element the CSS selector finds, once it is in the page */
    String find(String css) {
        return waitFor("an element matching " + css, () -> findNow(css));
    }

    Optional<String> findNow(String css) {
        JsonNode found = command("POST", "elements", JSON.createObjectNode().put("using", "css selector").put("value", css));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).path(ELEMENT).asText());
    }

    void type(String css, String text) {
        String element = find(css);
        command("POST", "element/" + element + "/clear", JSON.createObjectNode());
        command("POST", "element/" + element + "/value", JSON.createObjectNode().put("text", text));
    }

    /** Clicks the element, finding it again if the page re-rendered it in between. */
    void click(String css) {
        waitFor("a clickable " + css, () -> findNow(css).map(element -> {
            command("POST", "element/" + element + "/click", JSON.createObjectNode());
            return true;
        }));
    }

    String text(String css) {
        return waitFor("the text of " + css, () -> findNow(css).map(this::textOf));
    }

    String textOf(String element) {
        return command("GET", "element/" + element + "/text", null).asText();
    }

    /** @return the text of the element, once it satisfies the condition */
    String textWhen(String css, java.util.function.Predicate<String> condition, String what) {
        return waitFor(what + " in " + css, () -> findNow(css)
                .map(this::textOf)
                .filter(condition));
    }

    /** Accepts the page's confirm() dialog, once it is showing. */
    void acceptDialog() {
        waitFor("a confirm dialog", () -> {
            try {
                command("POST", "alert/accept", JSON.createObjectNode());
                return Optional.of(true);
            } catch (IllegalStateException noAlertYet) {
                return Optional.empty();
            }
        });
    }

    /** @return what the page wrote to its console since last asked (errors included) */
    String console() {
        try {
            return command("POST", "se/log", JSON.createObjectNode().put("type", "browser")).toString();
        } catch (RuntimeException e) {
            return "(not available: " + e.getMessage() + ")";
        }
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(command("GET", "screenshot", null).asText()));
    }

    /** @return what the probe finds, once it finds something */
    <T> T waitFor(String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Optional<T> found;
            try {
                found = probe.get();
            } catch (IllegalStateException replacedWhileRead) { // the page re-rendered: look again
                found = Optional.empty();
            }
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + PATIENCE.toSeconds() + " s for " + what + "; the page shows: "
                        + command("POST", "execute/sync", JSON.createObjectNode()
                                .put("script", "return document.body.innerText").set("args", JSON.createArrayNode()))
                        + "; its console says: " + console());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private JsonNode command(String method, String path, JsonNode body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(session.resolve(path));
            request = body == null ? request.GET()
                    : request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = JSON.readTree(response.body()).path("value");
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " " + path + ": " + value.path("error").asText() + ": "
                        + value.path("message").asText());
            }
            return value;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            http.send(HttpRequest.newBuilder(session).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            // the driver goes below either way
        } finally {
            // Chromium outlived its session now and then, and went on using CPU after the tests
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroy();
        }
    }
}
