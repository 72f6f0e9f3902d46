package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document is the API: every route the server registers is in it, and nothing else. */
class OpenApiTest {

    @TempDir
    static Path dir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dir, "general_settings: {master_key: " + MASTER_KEY + "}\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
        HttpResponse<String> served = gateway.get("/openapi.json");
        assertEquals(200, served.statusCode());
        JsonNode document = json(served);
        assertEquals("3.1.0", document.path("openapi").asText());
        Set<String> documented = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        // The admin UI's and this reference's script and style files are files, not API.
        Set<String> registered = new TreeSet<>(gateway.server().routes().stream()
                .filter(route -> !route.matches("GET /(ui|docs)/.+\\.(js|css|html)")).toList());
        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(registered);
        assertEquals(Set.of(), undocumented, "routes the OpenAPI document lacks");
        assertEquals(Set.of(), unserved, "documented routes the server does not have");
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\"\\$ref\":\"#/components/(\\w+)/(\\w+)\"")
                .matcher(document.toString());
        int references = 0;
        while (refs.find()) {
            assertTrue(document.path("components").path(refs.group(1)).has(refs.group(2)), "dangling " + refs.group());
            references++;
        }
        assertTrue(references > 100, "the operations refer to the shared schemas: " + references);
        for (JsonNode path : document.path("paths")) {
            for (JsonNode operation : path) {
                assertTrue(!operation.path("summary").asText().isBlank() && operation.has("responses"),
                        "every operation has a summary and its responses: " + operation);
            }
        }
    }

    @Test
    void theApiReferenceIsServedOffline() {
        HttpResponse<String> page = gateway.get("/docs");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("swagger-ui-bundle.js") && page.body().contains("/docs/start.js"), page.body());
        assertTrue(gateway.get("/docs/start.js").body().contains("/openapi.json"));
        for (String asset : new String[] {"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/start.js"}) {
            assertEquals(200, gateway.get(asset).statusCode(), asset + " is served by the gateway, not a CDN");
        }
    }
}
