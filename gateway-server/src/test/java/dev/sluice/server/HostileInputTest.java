package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input is the caller's error, never the gateway's: each class of hostile value (control
 * characters, values beyond their column, unknown references, wrong parameter types, deep
 * nesting, malformed HTTP) gets a 4xx with an OpenAI-shaped body naming what to fix, on the
 * embedded H2 and on the real PostgreSQL (which refuses NUL where H2 does not), and leaves the
 * gateway storing the next good request.
 */
class HostileInputTest {

    private static final String[] AUTH = {"Authorization", "Bearer " + MASTER_KEY, "Content-Type", "application/json"};
    private static final List<String> CONTROL = List.of("\u0000", "\r\n", "\u001b", "\u007f", "\t");

    @TempDir
    Path dir;
    private GatewayOnDatabase running;
    private RunningGateway gateway;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private void start(String database, String extraSettings) {
        running = GatewayOnDatabase.start(dir, database, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: mock/gpt-4o-mini}
                general_settings:
                  master_key: %s
                  store_model_in_db: true
                  %s
                  %%s
                """.formatted(MASTER_KEY, extraSettings));
        gateway = running.gateway();
    }

    private static String body(String field, Object value) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putPOJO(field, value);
        return body.toString();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String param, String what) {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        JsonNode error = json(response).path("error");
        assertEquals(Integer.toString(status), error.path("code").asText(), what);
        assertEquals("invalid_request_error", error.path("type").asText(), what);
        assertTrue(error.path("message").asText().length() > 10, what);
        if (param != null) {
            assertEquals(param, error.path("param").asText(), what);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void controlCharactersInNamesAreRefusedNamingTheField(String database) {
        start(database, "");
        Map<String, List<String>> fieldsByRoute = Map.of(
                "/team/new", List.of("team_alias", "team_id"),
                "/key/generate", List.of("key_alias"),
                "/user/new", List.of("user_id", "user_email"),
                "/budget/new", List.of("budget_id"),
                "/customer/new", List.of("user_id", "alias"));
        fieldsByRoute.forEach((route, fields) -> fields.forEach(field -> CONTROL.forEach(control -> {
            String what = route + " " + field + " with U+" + Integer.toHexString(control.charAt(0));
            ObjectNode request = JsonNodeFactory.instance.objectNode().put(field, "a" + control + "b");
            if (route.equals("/customer/new") && !field.equals("user_id")) {
                request.put("user_id", "customer-" + field);
            }
            assertRefused(gateway.post(route, request.toString(), AUTH), 400, field, what);
        })));
        assertRefused(gateway.post("/model/new", "{\"model_name\":\"a\\r\\nb\",\"litellm_params\":{\"model\":\"mock/x\"}}",
                AUTH), 400, "model_name", "a model name with CR LF, which would break every call's headers");
        assertEquals(200, gateway.post("/team/new", body("team_alias", "clean"), AUTH).statusCode(),
                "the next good request is stored");
        assertEquals(200, gateway.post("/customer/new", body("user_id", "clean-customer"), AUTH).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void valuesBeyondTheirColumnsOrUnknownReferencesAreRefused(String database) {
        start(database, "");
        assertRefused(gateway.post("/key/generate", body("key_alias", "a".repeat(257)), AUTH), 400, "key_alias", "alias");
        assertRefused(gateway.post("/budget/new", body("budget_id", "b".repeat(65)), AUTH), 400, "budget_id", "id");
        assertRefused(gateway.post("/team/new", body("team_alias", "t".repeat(257)), AUTH), 400, "team_alias", "team");
        for (Object amount : List.of(1e20, 1e10, new java.math.BigDecimal("99999999999.5"))) {
            assertRefused(gateway.post("/key/generate", body("max_budget", amount), AUTH), 400, "max_budget",
                    "max_budget " + amount);
        }
        assertRefused(gateway.post("/key/generate", body("max_budget", -1), AUTH), 400, "max_budget", "negative");
        assertRefused(gateway.post("/key/generate", body("max_parallel_requests", 2_147_483_648L), AUTH), 400,
                "max_parallel_requests", "beyond an int");
        for (String route : List.of("/team/new", "/key/generate", "/user/new", "/customer/new")) {
            String request = route.equals("/customer/new") ? "{\"user_id\":\"c1\",\"budget_id\":\"nope\"}"
                    : body("budget_id", "nope");
            assertRefused(gateway.post(route, request, AUTH), 400, null, route + " with a budget_id never created");
        }
        assertEquals(200, gateway.post("/key/generate", body("key_alias", "a".repeat(256)), AUTH).statusCode(),
                "a value that fits its column is stored");
        assertEquals(200, gateway.post("/key/generate", body("max_budget", 9_999_999_999L), AUTH).statusCode());
        assertEquals(200, gateway.post("/key/generate", body("max_budget", 0.000000000001), AUTH).statusCode(),
                "finer than the column is rounded, not refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void queryParametersWithControlCharactersAreRefusedAndBadEscapesTolerated(String database) throws IOException {
        start(database, "");
        String[] auth = {"Authorization", "Bearer " + MASTER_KEY};
        assertRefused(gateway.get("/spend/logs?user_id=%00", auth), 400, "user_id", "NUL in a filter");
        assertRefused(gateway.get("/team/info?team_id=a%0d%0ab", auth), 400, "team_id", "CR LF in an id");
        assertRefused(gateway.get("/key/list?user_id=%1b", auth), 400, "user_id", "ESC in a filter");
        // java.net.URI refuses a bad escape, so these go as raw bytes
        for (String path : List.of("/v1/models?x=%zz", "/spend/logs?user_id=%zz", "/key/list?user_id=%g1")) {
            String response = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY
                    + "\r\n\r\n", false);
            assertTrue(response.startsWith("HTTP/1.1 200"), "LiteLLM serves a bad escape: " + path + ": " + response);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void modelRequestsWithBadParametersAreRefusedBeforeAnyPlugin(String database) {
        start(database, "");
        Map<String, String> badParams = Map.of(
                "max_tokens", "[[[1]]]", "temperature", "\"hot\"", "stream", "\"yes\"", "stop", "5",
                "messages", "\"hi\"", "n", "0", "top_p", "{}", "user", "\"u\\u0000\"", "model", "\"a\\rb\"",
                "tool_choice", "7");
        badParams.forEach((param, value) -> {
            String request = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\""
                    + param + "\":" + value + "}";
            assertRefused(gateway.post("/v1/chat/completions", request, AUTH), 400, param, param + "=" + value);
        });
        String deep = "[".repeat(100) + "]".repeat(100);
        assertRefused(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[],\"x\":" + deep
                + "}", AUTH), 400, null, "100 levels of nesting");
        assertRefused(gateway.post("/model/new", "{\"model_name\":\"deep\",\"litellm_params\":{\"model\":\"mock/x\"},"
                + "\"model_info\":{\"x\":" + deep + "}}", AUTH), 400, null, "a model_info no /model/info could read back");
        HttpResponse<String> messages = gateway.post("/v1/messages", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":\"x\","
                + "\"messages\":[]}", AUTH);
        assertEquals(400, messages.statusCode(), messages.body());
        assertEquals("invalid_request_error", json(messages).path("error").path("type").asText(), "Anthropic's shape");
        assertTrue(json(messages).path("error").path("message").asText().contains("max_tokens"), messages.body());
        assertEquals(200, gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}],\"user\":\"customer-1\",\"max_tokens\":5}", AUTH).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKeyWithoutAUserListsItself(String database) {
        start(database, "");
        String own = json(gateway.post("/key/generate", "{\"key_alias\":\"mine\"}", AUTH)).path("key").asText();
        gateway.post("/key/generate", "{\"key_alias\":\"another\"}", AUTH);
        HttpResponse<String> list = gateway.get("/key/list?return_full_object=true", "Authorization", "Bearer " + own);
        assertEquals(200, list.statusCode(), list.body());
        assertEquals(1, json(list).path("keys").size(), list.body());
        assertEquals("mine", json(list).path("keys").path(0).path("key_alias").asText(), list.body());
    }

    @Test
    void malformedHttpGetsJsonErrors() throws IOException {
        start("h2", "max_request_size_mb: 1");
        String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY
                + "\r\nContent-Type: application/json\r\n";
        assertRaw(400, exchange(chat + "Content-Length: 100\r\n\r\n{\"model\"", true), "a body cut short");
        for (String size : List.of("ZZ", "FFFFFFFFFFFFFFFF", "-1")) {
            assertRaw(400, exchange(chat + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nabc\r\n0\r\n\r\n", true),
                    "chunk size " + size);
        }
        assertRaw(413, exchange(chat + "Content-Length: 2000000\r\n\r\n{", true), "over max_request_size_mb");
        assertRaw(414, exchange("GET /v1/models?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", false),
                "a URI over the limit");
        assertRaw(400, exchange("GET /v1/models HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", false),
                "a header without a colon");
        assertEquals(200, gateway.get("/v1/models?x=" + "a".repeat(9_000), "Authorization", "Bearer " + MASTER_KEY)
                .statusCode(), "a 9 KB URL is served");
    }

    @Test
    void headerValuesNeverCarryControlCharacters() {
        assertEquals("a  b", ModelRoutes.headerValue("a\r\nb"));
        assertEquals("tab\tstays", ModelRoutes.headerValue("tab\tstays"));
        assertEquals("caf\u00e9 ?", ModelRoutes.headerValue("caf\u00e9 \u4e2d"));
        String clean = "gpt-4o-mini";
        assertTrue(clean == ModelRoutes.headerValue(clean), "a clean value is not copied");
    }

    @Test
    void slowClientsAreCut() throws IOException {
        start("h2", "request_header_timeout_seconds: 1\n  request_body_timeout_seconds: 1");
        List<String> trickles = List.of(
                "GET /v1/mod",
                "GET /v1/models HTTP/1.1\r\nHost: x\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        for (String trickle : trickles) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
                socket.getOutputStream().write(trickle.getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(20_000); // far beyond the 1 s deadlines: a read that times out means never cut
                InputStream in = socket.getInputStream();
                try {
                    while (in.read() != -1) {
                        // whatever the gateway answers before it closes
                    }
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("still open 20 s after its 1 s deadline: " + trickle, e);
                } catch (java.net.SocketException reset) {
                    // closed under the client: cut as well
                }
            }
        }
    }

    private static void assertRaw(int status, String response, String what) throws IOException {
        assertTrue(response.startsWith("HTTP/1.1 " + status), what + ": " + response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode error = RunningGateway.JSON.readTree(body).path("error");
        assertEquals(Integer.toString(status), error.path("code").asText(), what + ": " + body);
        assertTrue(error.has("message") && error.has("type") && error.has("param"), what + ": " + body);
    }

    private String exchange(String request, boolean halfClose) throws IOException {
        return RawHttp.exchange(gateway.port(), request, halfClose);
    }
}
