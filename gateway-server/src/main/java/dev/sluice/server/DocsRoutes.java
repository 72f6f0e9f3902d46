package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The API reference: {@code GET /openapi.json} (OpenAPI 3.1, kept to the routes by a test) and
 * Swagger UI at {@code /docs}, its files from the swagger-ui WebJar in the gateway's jar, so the
 * page works without reaching the internet. Public, like LiteLLM's.
 */
final class DocsRoutes {

    private static final String SWAGGER = "META-INF/resources/webjars/swagger-ui/5.27.1/";
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Sluice API reference</title>
              <link rel="stylesheet" href="/docs/swagger-ui.css">
              <link rel="icon" href="data:,">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/swagger-ui-bundle.js"></script>
              <script src="/docs/start.js"></script>
            </body>
            </html>
            """;
    private static final String START = """
            window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
              tryItOutEnabled: false, persistAuthorization: true });
            """;

    private final ErrorResponses errors;

    DocsRoutes(ErrorResponses errors) {
        this.errors = errors;
    }

    // The files are read when asked for, not held: the reference is opened now and then, and
    // Swagger UI's bundle is over a megabyte the gateway need not carry for it.
    void register(HttpRules rules) {
        rules.get("/openapi.json", (req, res) -> send(res, "application/json", read("dev/sluice/server/openapi.json")));
        rules.get("/docs", (req, res) -> send(res, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8)));
        rules.get("/docs/start.js", (req, res) -> send(res, "text/javascript; charset=utf-8",
                START.getBytes(StandardCharsets.UTF_8)));
        rules.get("/docs/swagger-ui-bundle.js", (req, res) -> send(res, "text/javascript; charset=utf-8",
                read(SWAGGER + "swagger-ui-bundle.js")));
        rules.get("/docs/swagger-ui.css", (req, res) -> send(res, "text/css; charset=utf-8",
                read(SWAGGER + "swagger-ui.css")));
    }

    private void send(ServerResponse res, String type, byte[] content) {
        if (content == null) {
            errors.send(res, new GatewayException(ErrorKind.NOT_FOUND, 404, "The API reference is not installed.",
                    null, null, null, null));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.header(HeaderNames.CACHE_CONTROL, "max-age=3600");
        res.send(content);
    }

    private static byte[] read(String resource) {
        try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
