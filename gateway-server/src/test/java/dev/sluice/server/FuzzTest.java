package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded fuzzing of every route the server registers (model and admin alike) with hostile bodies
 * and query parameters, as the master key, a virtual key and no key: the gateway never answers a
 * 5xx of its own making, and every 4xx carries an error body a client can read. The seed is
 * {@code -Dsluice.fuzz.seed} (fixed by default, so CI is repeatable); a failure names the seed and
 * the request.
 */
class FuzzTest {

    private static final long SEED = Long.getLong("sluice.fuzz.seed", 20261206L);
    private static final int REQUESTS = Integer.getInteger("sluice.fuzz.requests", 1500);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "n", "stream", "stream_options", "stop", "user", "tools", "tool_choice",
            "response_format", "metadata", "input", "prompt", "system", "key", "keys", "key_alias", "key_aliases",
            "team_id", "team_alias", "user_id", "user_ids", "user_email", "user_role", "budget_id", "max_budget",
            "soft_budget", "budget_duration", "duration", "models", "tpm_limit", "rpm_limit", "max_parallel_requests",
            "model_name", "litellm_params", "model_info", "members", "member", "role", "blocked", "aliases",
            "permissions", "tags", "alias", "default_model", "max_budget_in_team", "id", "ids", "new_key");
    private static final List<String> PARAMS = List.of("user_id", "team_id", "key", "key_alias", "model",
            "start_date", "end_date", "page", "size", "budget_id", "end_user_id", "litellm_model_id", "api_key",
            "request_id", "return_full_object");

    @TempDir
    Path dir;
    private GatewayOnDatabase running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void noRouteAnswersAFaultOfItsOwnToHostileInput(String database) {
        running = GatewayOnDatabase.start(dir, database, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: mock/gpt-4o-mini}
                  - model_name: embed
                    litellm_params: {model: mock/embed}
                    model_info: {mode: embedding}
                general_settings:
                  master_key: %s
                  store_model_in_db: true
                  %%s
                """.formatted(MASTER_KEY));
        RunningGateway gateway = running.gateway();
        String virtualKey = RunningGateway.json(gateway.postWithMasterKey("/key/generate", "{\"max_budget\":100}"))
                .path("key").asText();
        List<String> routes = gateway.server().routes().stream()
                .filter(route -> route.startsWith("GET ") || route.startsWith("POST ")).sorted().toList();
        Random random = new Random(SEED + database.hashCode());
        for (int i = 0; i < REQUESTS; i++) {
            String route = routes.get(random.nextInt(routes.size()));
            String method = route.substring(0, route.indexOf(' '));
            String path = fillPath(route.substring(route.indexOf(' ') + 1), random) + query(random);
            String caller = switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> virtualKey;
                default -> MASTER_KEY;
            };
            String body = method.equals("POST") ? body(random) : null;
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path));
            request = body == null ? request.GET()
                    : request.POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
            if (caller != null) {
                request.header("Authorization", "Bearer " + caller);
            }
            HttpResponse<String> response = gateway.send(request.build());
            String what = "seed " + SEED + " #" + i + ": " + method + " " + path + " " + abbreviate(body) + " -> "
                    + response.statusCode() + " " + abbreviate(response.body());
            assertEquals(true, response.statusCode() < 500, what);
            if (response.statusCode() >= 400) {
                JsonNode error = parse(response.body());
                assertEquals(true, error != null && error.path("error").path("message").isTextual(),
                        "a 4xx with a readable error: " + what);
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            return RunningGateway.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String fillPath(String path, Random random) {
        return path.replaceAll("\\{\\+?[a-z_]+}", URLEncoder.encode(hostileText(random), StandardCharsets.UTF_8)
                .replace("+", "%20"));
    }

    private static String query(Random random) {
        if (random.nextInt(3) > 0) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            query.append(i == 0 ? "" : "&").append(PARAMS.get(random.nextInt(PARAMS.size()))).append('=')
                    .append(URLEncoder.encode(hostileText(random), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private static String body(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "{\"model\": \"gpt-4o-mini\", \"messages\": [";
            case 2 -> "[1, 2, 3]";
            case 3 -> "not json at all \u0000";
            default -> object(random, 0).toString();
        };
    }

    private static ObjectNode object(Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        if (random.nextBoolean()) { // most calls look almost right, so they get past the first checks
            object.put("model", random.nextInt(4) == 0 ? hostileText(random) : "gpt-4o-mini");
            object.set("messages", NODES.arrayNode().add(NODES.objectNode().put("role", "user").put("content", "hi")));
        }
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            object.set(FIELDS.get(random.nextInt(FIELDS.size())), value(random, depth + 1));
        }
        return object;
    }

    private static JsonNode value(Random random, int depth) {
        return switch (random.nextInt(depth > 3 ? 9 : 12)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(List.of(-1L, 0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 2_147_483_648L)
                    .get(random.nextInt(6)));
            case 3 -> NODES.numberNode(List.of(1e20, -0.5, 1e308, 0.000000001, 3.5).get(random.nextInt(5)));
            case 4 -> NODES.numberNode(new java.math.BigDecimal("1" + "0".repeat(random.nextInt(40))));
            case 5, 6, 7, 8 -> NODES.textNode(hostileText(random));
            case 9 -> nested(random, 1 + random.nextInt(80));
            case 10 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = 0, n = random.nextInt(4); i < n; i++) {
                    array.add(value(random, depth + 1));
                }
                yield array;
            }
            default -> object(random, depth);
        };
    }

    private static JsonNode nested(Random random, int levels) {
        JsonNode node = NODES.textNode("deep");
        for (int i = 0; i < levels; i++) {
            node = random.nextBoolean() ? NODES.arrayNode().add(node) : NODES.objectNode().set("x", node);
        }
        return node;
    }

    private static String hostileText(Random random) {
        List<String> pieces = new ArrayList<>(List.of("a", "gpt-4o-mini", "\u0000", "\r\n", "\u001b[31m", "\u007f",
                "\ud800", "\udfff", "'; drop table x;--", "../../etc/passwd", "%zz", "\u202e", "\ufeff", "\u4e2d\u6587",
                "\ud83d\ude00", "sk-1234", " ", "\t", "<script>", "{{7*7}}", "null"));
        StringBuilder text = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            text.append(pieces.get(random.nextInt(pieces.size())));
        }
        if (random.nextInt(10) == 0) {
            text.append("x".repeat(random.nextBoolean() ? 300 : 5000));
        }
        return text.toString();
    }
}
