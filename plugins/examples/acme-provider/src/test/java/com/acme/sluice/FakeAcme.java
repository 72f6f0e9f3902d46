package com.acme.sluice;

import com.sun.net.httpserver.HttpExchange;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Acme's API as its reference describes it (the format in {@link AcmeProvider}'s comment): it
 * always answers "Hello from Acme." and counts a token per word.
 */
final class FakeAcme extends FakeUpstream {

    static final String REPLY = "Hello from Acme.";

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        if (!request.path().equals("/v1/generate") || request.header("x-acme-key").isEmpty()) {
            sendJson(exchange, 401, errorBody(401));
            return;
        }
        String body = request.bodyText();
        int promptTokens = body.split("\\s+").length;
        String tokens = "{\"in\":" + promptTokens + ",\"out\":3}";
        if (!body.contains("\"stream\":true")) {
            sendJson(exchange, 200, "{\"id\":\"gen-1\",\"output\":\"" + REPLY + "\",\"stop\":\"end\",\"tokens\":" + tokens + "}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String word : new String[] {"Hello ", "from ", "Acme."}) {
                out.write(("event: delta\ndata: {\"text\":\"" + word + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(("event: done\ndata: {\"stop\":\"end\",\"tokens\":" + tokens + "}\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    protected String badRequestBody() {
        return "{\"error\":{\"kind\":\"invalid\",\"message\":\"creativity must be between 0 and 1\"}}";
    }

    @Override
    protected String errorBody(int status) {
        String kind = switch (status) {
            case 401 -> "auth";
            case 429 -> "rate";
            case 400 -> "too_long";
            default -> "server";
        };
        return "{\"error\":{\"kind\":\"" + kind + "\",\"message\":\"injected " + status + "\"}}";
    }
}
