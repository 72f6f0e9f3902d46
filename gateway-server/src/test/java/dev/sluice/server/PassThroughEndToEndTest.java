package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.testkit.FakeGemini;
import dev.sluice.testkit.FakeOpenAi;
import dev.sluice.testkit.RecordedRequest;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LiteLLM's pass-through routes with a virtual key: the vendor's API called as it is with the
 * gateway's provider key (never the caller's), the answer passed back unchanged, whole or
 * streamed, its usage priced into the spend logs and the key's budget; and a route of
 * general_settings.pass_through_endpoints with its own headers and cost per request.
 */
class PassThroughEndToEndTest {

    @TempDir
    Path dir;
    private FakeOpenAi openAi;
    private FakeGemini gemini;
    private HttpServer service;
    private final List<Map<String, List<String>>> serviceHeaders = new CopyOnWriteArrayList<>();
    private RunningGateway gateway;

    @BeforeEach
    void start() throws Exception {
        openAi = new FakeOpenAi();
        gemini = new FakeGemini().reply("Bonjour de Gemini").tokens(12, 0, 0);
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/v1/rerank", exchange -> {
            serviceHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] answer = ("{\"results\": [{\"index\": 0, \"relevance_score\": 0.9}], \"path\": \""
                    + exchange.getRequestURI() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        service.start();
        gateway = RunningGateway.start(dir, """
                general_settings:
                  master_key: %s
                  pass_through_endpoints:
                    - path: /v1/rerank
                      target: http://127.0.0.1:%d/v1/rerank
                      headers: {Authorization: "Bearer os.environ/RERANK_SERVICE_KEY"}
                      include_subpath: true
                      cost_per_request: 0.002
                """.formatted(MASTER_KEY, service.getAddress().getPort()), RunningGateway.DIST_PLUGINS, Map.of(
                "OPENAI_API_KEY", "sk-openai-real", "OPENAI_API_BASE", openAi.baseUri().toString(),
                "GEMINI_API_KEY", "gm-real-key", "GEMINI_API_BASE", gemini.baseUri().toString(),
                "RERANK_SERVICE_KEY", "rk-secret"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        openAi.close();
        gemini.close();
        service.stop(0);
    }

    @Test
    void openAisApiIsCalledAsItIsWithTheGatewaysKeyAndPriced() throws Exception {
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"max_budget\": 10}")).path("key").asText();
        HttpResponse<String> answer = gateway.post("/openai_passthrough/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("chat.completion", json(answer).path("object").asText(), "OpenAI's answer, untranslated");
        RecordedRequest sent = openAi.takeRequest();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals("Bearer sk-openai-real", sent.header("authorization").orElseThrow(), "the gateway's key, not the caller's");

        HttpResponse<String> streamed = gateway.post("/openai_passthrough/v1/chat/completions?x=1", "{\"model\":\"gpt-4o-mini\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key);
        assertEquals(200, streamed.statusCode());

        long prompt = json(answer).path("usage").path("prompt_tokens").asLong();
        long completion = json(answer).path("usage").path("completion_tokens").asLong();
        BigDecimal expected = new BigDecimal("0.00000015").multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal("0.0000006").multiply(BigDecimal.valueOf(completion)));
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode logs = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(2, logs.size(), logs.toString());
        for (JsonNode log : logs) {
            assertEquals("pass_through_endpoint", log.path("call_type").asText(), log.toString());
            assertEquals("success", log.path("status").asText(), log.toString());
            assertTrue(log.path("spend").decimalValue().signum() > 0, "priced, streamed or not: " + log);
        }
        assertTrue(logs.findValues("spend").stream().anyMatch(spend -> spend.decimalValue().compareTo(expected) == 0),
                "gpt-4o-mini at LiteLLM's $0.15/M in, $0.60/M out: " + expected + " in " + logs);
    }

    @Test
    void geminisApiTakesTheGatewaysKeyInAHeaderAndTheCallersFromItsKeyParameter() throws Exception {
        String key = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        HttpResponse<String> answer = gateway.post("/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=" + key,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Bonjour de Gemini"), answer.body());
        RecordedRequest sent = gemini.takeRequest();
        assertFalse(sent.path().contains("key="), "no key in the upstream URL: " + sent.path());
        assertEquals("gm-real-key", sent.header("x-goog-api-key").orElseThrow());
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
        assertEquals("gemini/gemini-2.5-flash", log.path("model").asText(), log.toString());
        assertEquals(12, log.path("prompt_tokens").asInt(), log.toString());
    }

    @Test
    void aConfiguredRouteAddsItsHeadersAndChargesItsCostPerRequest() {
        String key = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        HttpResponse<String> answer = gateway.post("/v1/rerank/v2?top_n=1", "{\"query\":\"q\",\"documents\":[\"a\"]}",
                "Authorization", "Bearer " + key, "x-custom", "dropped");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("/v1/rerank/v2?top_n=1", json(answer).path("path").asText(), "the subpath and query go along");
        Map<String, List<String>> headers = serviceHeaders.getFirst();
        assertEquals(List.of("Bearer rk-secret"), headers.get("Authorization"), "the route's header, not the caller's key");
        assertFalse(headers.containsKey("X-custom"), "forward_headers is off: " + headers.keySet());
        assertTrue(gateway.server().gateway().spend().flush());
        JsonNode log = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
        assertEquals(0, new BigDecimal("0.002").compareTo(log.path("spend").decimalValue()), log.toString());
    }

    @Test
    void bedrockIsSignedByItsPluginWithTheEnvironmentsCredentialsAndPriced() throws Exception {
        try (dev.sluice.testkit.FakeBedrock bedrock = new dev.sluice.testkit.FakeBedrock();
             RunningGateway aws = RunningGateway.start(java.nio.file.Files.createDirectories(dir.resolve("aws")),
                     "general_settings: {master_key: " + MASTER_KEY + "}\n", RunningGateway.DIST_PLUGINS, Map.of(
                             "AWS_ACCESS_KEY_ID", "AKIAPASSTHROUGH", "AWS_SECRET_ACCESS_KEY", "pass/through+secret",
                             "AWS_REGION_NAME", "eu-west-1", "AWS_BEDROCK_RUNTIME_ENDPOINT", bedrock.baseUri().toString()))) {
            bedrock.expectCredentials("AKIAPASSTHROUGH", "pass/through+secret");
            HttpResponse<String> answer = aws.post("/bedrock/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
                    "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}",
                    "Authorization", "Bearer " + MASTER_KEY, "Content-Type", "application/json");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("eu-west-1", bedrock.lastSignedRegion(), "SigV4 for the environment's region");
            assertFalse(bedrock.takeRequest().headers().toString().contains("pass/through+secret"));
            assertTrue(aws.server().gateway().spend().flush());
            JsonNode log = json(aws.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).path(0);
            assertEquals("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", log.path("model").asText(), log.toString());
            assertTrue(log.path("spend").decimalValue().signum() > 0, "priced from Converse's usage: " + log);
        }
    }

    @Test
    void callersNeedAKeyAndAKeysSpentBudgetRefusesTheNextCall() {
        assertEquals(401, gateway.post("/openai/v1/models", "").statusCode());
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"max_budget\": 0.0000001}")).path("key").asText();
        HttpResponse<String> first = gateway.post("/openai_passthrough/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(gateway.server().gateway().spend().flush());
        HttpResponse<String> second = gateway.post("/openai_passthrough/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key);
        assertEquals(422, second.statusCode(), second.body());
        assertEquals("budget_exceeded", json(second).path("error").path("type").asText());
        openAi.takeRequest();
        assertEquals(0, openAi.pendingRequests(), "the refused call never reached OpenAI");
    }
}
