package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.telemetry.RequestLog;
import dev.sluice.core.telemetry.Tracing;
import dev.sluice.testkit.FakeOpenAi;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that is retried and falls back, traced into an in-memory exporter, scraped from
 * /metrics and read from the request log: the span tree (server span continuing the caller's
 * traceparent, a span per stage, attempts as siblings), the traceparent the upstream got, the
 * LiteLLM-named series, and one JSON log line without secrets or content.
 */
class ObservabilityEndToEndTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";
    private static final String PROMPT = "a secret plan to test tracing";

    @TempDir
    Path dir;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    /** Standard error, where the request log writes, copied here as well. */
    private final java.io.ByteArrayOutputStream standardError = new java.io.ByteArrayOutputStream();
    private final java.io.PrintStream originalError = System.err;
    private FakeOpenAi first;
    private FakeOpenAi second;
    private FakeOpenAi backup;
    private RunningGateway gateway;

    @BeforeEach
    void start() throws Exception {
        first = new FakeOpenAi().reply("never");
        second = new FakeOpenAi().reply("never");
        backup = new FakeOpenAi().reply("the fallback answers");
        String config = """
                model_list:
                  - model_name: primary
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-upstream-one}
                    model_info: {id: primary-a}
                  - model_name: primary
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-upstream-two}
                    model_info: {id: primary-b}
                  - model_name: backup
                    litellm_params: {model: openai/gpt-4o, api_base: "%s/v1", api_key: sk-upstream-three}
                    model_info: {id: backup-a, input_cost_per_token: 0.001, output_cost_per_token: 0.002}
                general_settings: {master_key: %s}
                router_settings:
                  num_retries: 1
                  fallbacks: [{primary: [backup]}]
                litellm_settings: {json_logs: true}
                """.formatted(first.baseUri(), second.baseUri(), backup.baseUri(), MASTER_KEY);
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                standardError.write(b);
                originalError.write(b);
            }

            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                standardError.write(bytes, offset, length);
                originalError.write(bytes, offset, length);
            }
        }, true));
        gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gw")), config, Tracing.into(sdk, false));
    }

    @AfterEach
    void stop() {
        gateway.close();
        System.setErr(originalError);
        first.close();
        second.close();
        backup.close();
    }

    private HttpResponse<String> retriedAndFellBack() {
        first.failNext(500, null);
        second.failNext(500, null);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", "{\"model\":\"primary\",\"messages\":[{"
                + "\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}", "Authorization", "Bearer " + MASTER_KEY,
                "traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("1", response.headers().firstValue("x-litellm-attempted-retries").orElseThrow());
        assertEquals("1", response.headers().firstValue("x-litellm-attempted-fallbacks").orElseThrow());
        return response;
    }

    @Test
    void theSpanTreeShowsEveryStageAndTheAttemptsAsSiblings() throws Exception {
        retriedAndFellBack();
        List<SpanData> finished = finishedOnceTheServerSpanEnds();
        assertTrue(finished.stream().allMatch(span -> span.getTraceId().equals(TRACE_ID)), "one trace, the caller's");
        SpanData server = only(finished, span -> span.getKind() == SpanKind.SERVER);
        assertEquals(CALLER_SPAN, server.getParentSpanId(), "continues the caller's traceparent");
        assertEquals("POST /v1/chat/completions", server.getName());
        assertEquals(200L, server.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals("primary", server.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
        assertEquals("backup-a", server.getAttributes().get(AttributeKey.stringKey("sluice.deployment.id")));
        assertTrue(server.getAttributes().get(AttributeKey.doubleKey("sluice.cost_usd")) > 0);

        SpanData router = only(finished, span -> span.getName().equals("sluice.router"));
        List<String> stages = new ArrayList<>();
        for (SpanData at = parentOf(finished, router); at != server; at = parentOf(finished, at)) {
            stages.addFirst(at.getName());
        }
        assertTrue(stages.containsAll(List.of("sluice.filter.authentication", "sluice.filter.access",
                "sluice.filter.spend")), "a span per stage, nested from the server span to the router: " + stages);

        List<SpanData> attempts = finished.stream().filter(span -> span.getKind() == SpanKind.CLIENT).toList();
        assertEquals(3, attempts.size());
        assertTrue(attempts.stream().allMatch(span -> span.getParentSpanId().equals(router.getSpanId())),
                "retries and fallbacks are siblings under the router");
        List<SpanData> failed = attempts.stream().filter(span -> span.getStatus().getStatusCode() == StatusCode.ERROR)
                .toList();
        assertEquals(2, failed.size());
        assertEquals(List.of("primary", "primary"), failed.stream()
                .map(span -> span.getAttributes().get(AttributeKey.stringKey("sluice.model_group"))).toList());
        SpanData answered = only(attempts, span -> span.getStatus().getStatusCode() != StatusCode.ERROR);
        assertEquals("chat gpt-4o", answered.getName());
        assertEquals("chat", answered.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")));
        assertEquals("openai", answered.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")));
        assertEquals(Boolean.TRUE, answered.getAttributes().get(AttributeKey.booleanKey("sluice.fallback")));
        assertTrue(answered.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")) > 0);
        assertEquals(List.of("stop"),
                answered.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")));

        String sentUpstream = backup.takeRequest().header("traceparent").orElseThrow();
        assertEquals("00-" + TRACE_ID + "-" + answered.getSpanId() + "-01", sentUpstream,
                "the upstream continues the trace under the attempt's span");
        for (SpanData span : finished) {
            assertFalse(span.getAttributes().toString().contains("secret plan"), "no prompt text in " + span.getName());
            assertFalse(span.getAttributes().toString().contains("sk-"), "no key in " + span.getName());
        }
    }

    @Test
    void metricsCountTheCallTheAttemptsAndTheFallbackUnderLiteLlmsNames() throws Exception {
        retriedAndFellBack();
        // The call is counted when it ends, just after its response is written: scrape until it is.
        HttpResponse<String> scrape = gateway.get("/metrics");
        for (int i = 0; i < 200 && !scrape.body().contains("litellm_proxy_total_requests_metric_total{"); i++) {
            Thread.sleep(10);
            scrape = gateway.get("/metrics");
        }
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        List<Sample> samples = Sample.parse(scrape.body());
        assertEquals(1.0, value(samples, "litellm_proxy_total_requests_metric_total",
                Map.of("requested_model", "primary", "status_code", "200")));
        assertEquals(2.0, samples.stream().filter(s -> s.name().equals("litellm_deployment_failure_responses_total")
                && s.labels().get("exception_status").equals("500")).mapToDouble(Sample::value).sum());
        assertEquals(1.0, value(samples, "litellm_deployment_success_responses_total", Map.of("model_id", "backup-a")));
        assertEquals(1.0, value(samples, "litellm_deployment_successful_fallbacks_total",
                Map.of("requested_model", "primary", "fallback_model", "backup", "exception_status", "500")));
        assertEquals(1.0, value(samples, "litellm_request_total_latency_metric_count", Map.of("model", "gpt-4o")));
        assertTrue(value(samples, "litellm_spend_metric_total", Map.of("model", "gpt-4o")) > 0);
        assertTrue(value(samples, "litellm_output_tokens_metric_total", Map.of("requested_model", "primary")) > 0);
        assertEquals(0.0, value(samples, "litellm_in_flight_requests", Map.of()));
        assertEquals(1.0, value(samples, "litellm_cache_misses_metric_total", Map.of("model", "gpt-4o")));
        assertTrue(samples.stream().anyMatch(s -> s.name().equals("litellm_deployment_state")
                && s.labels().get("model_id").equals("backup-a") && s.value() == 0.0), "the fallback is healthy");
        assertTrue(samples.stream().anyMatch(s -> s.name().equals("litellm_deployment_state")
                && s.labels().get("model_id").equals("primary-a") && s.value() > 0.0), "the failing one is not");
        assertFalse(scrape.body().contains(MASTER_KEY));
    }

    @Test
    void eachCallLogsOneJsonLineWithoutSecretsOrContent() throws Exception {
        HttpResponse<String> response = retriedAndFellBack();
        String callId = response.headers().firstValue("x-litellm-call-id").orElseThrow();
        String line = null;
        for (int i = 0; i < 100 && line == null; i++) { // written by the request log's own thread
            line = standardError.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(candidate -> candidate.contains("\"logger\":\"" + RequestLog.LOGGER + "\""))
                    .findFirst().orElse(null);
            Thread.sleep(line == null ? 50 : 0);
        }
        JsonNode fields = RunningGateway.JSON.readTree(line);
        assertEquals(callId, fields.path("call_id").asText());
        assertEquals("INFO", fields.path("level").asText());
        assertTrue(fields.path("timestamp").asText().endsWith("Z"));
        assertEquals("primary", fields.path("model").asText());
        assertEquals("backup-a", fields.path("deployment").asText());
        assertEquals(200, fields.path("status").asInt());
        assertTrue(fields.path("completion_tokens").asLong() > 0);
        assertTrue(fields.path("cost").decimalValue().signum() > 0);
        assertTrue(fields.path("duration_ms").asDouble() > 0);
        String everything = standardError.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(everything.contains(MASTER_KEY) || everything.contains("sk-upstream")
                || everything.contains("secret plan"), "a secret or the prompt in the log");
        java.util.logging.LogRecord record = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "Deployment {0} is \"cooling\"");
        record.setParameters(new Object[] {"backup-a"});
        record.setLoggerName("dev.sluice.core.routing.Router");
        JsonNode other = RunningGateway.JSON.readTree(new JsonLogFormatter().format(record));
        assertEquals("WARN", other.path("level").asText(), "json_logs: the other lines are JSON too");
        assertEquals("Deployment backup-a is \"cooling\"", other.path("message").asText());
    }

    @Test
    void everyMetricTheShippedDashboardQueriesIsServed() throws Exception {
        String scrape = gateway.get("/metrics").body();
        JsonNode dashboard = RunningGateway.JSON.readTree(
                Path.of("..", "docker", "observability", "grafana", "dashboards", "sluice.json").toFile());
        java.util.Set<String> queried = new java.util.TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                var names = java.util.regex.Pattern.compile("litellm_[a-z_]+(?=[\\[{)])").matcher(target.path("expr").asText());
                while (names.find()) {
                    queried.add(names.group().replaceAll("_(bucket|count|sum)$", ""));
                }
            }
        }
        assertTrue(queried.size() > 10, queried.toString());
        for (String name : queried) {
            assertTrue(scrape.contains("# TYPE " + name + " "), "the dashboard queries " + name + ", which is not served");
        }
    }

    @Test
    void withRequireAuthForMetricsEndpointAScrapeNeedsAKey() throws Exception {
        try (RunningGateway guarded = RunningGateway.start(Files.createDirectories(dir.resolve("guarded")), """
                general_settings: {master_key: %s}
                litellm_settings: {require_auth_for_metrics_endpoint: true}
                """.formatted(MASTER_KEY))) {
            assertFalse(guarded.server().gateway().telemetry().tracing().on(), "tracing is off unless asked for");
            assertEquals(401, guarded.get("/metrics").statusCode());
            assertEquals(401, guarded.get("/metrics", "Authorization", "Bearer sk-wrong").statusCode());
            assertEquals(200, guarded.get("/metrics", "Authorization", "Bearer " + MASTER_KEY).statusCode());
        }
    }

    @Test
    void tracesGoOverOtlpHttpWhenTheEnvironmentNamesACollector() throws Exception {
        java.util.concurrent.BlockingQueue<byte[]> exports = new java.util.concurrent.LinkedBlockingQueue<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            exports.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY", "50",
                "OTEL_SERVICE_NAME", "sluice-under-test");
        try (RunningGateway traced = RunningGateway.start(Files.createDirectories(dir.resolve("otlp")), """
                model_list:
                  - {model_name: m, litellm_params: {model: mock/m}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY), RunningGateway.DIST_PLUGINS, env)) {
            assertTrue(traced.server().gateway().telemetry().tracing().on(), "an OTLP endpoint turns tracing on");
            assertEquals(200, traced.postWithMasterKey("/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());
            // Spans are batched off the request path: the server span ends after the response is written,
            // so it may travel in a later batch than its children.
            StringBuilder exported = new StringBuilder();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!exported.toString().contains("POST /v1/chat/completions") && System.nanoTime() < deadline) {
                byte[] export = exports.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (export != null) {
                    exported.append(new String(export, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
            String text = exported.toString();
            assertFalse(text.isEmpty(), "no spans reached the collector");
            assertTrue(text.contains("sluice-under-test") && text.contains("POST /v1/chat/completions"), text);
            assertEquals("application/x-protobuf", contentTypes.getFirst());
        } finally {
            collector.stop(0);
        }
    }

    /**
     * The spans, once the server span has ended too: it ends after the response is written, so
     * the client may read the answer a moment before it is exported.
     */
    private List<SpanData> finishedOnceTheServerSpanEnds() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (spans.getFinishedSpanItems().stream().noneMatch(span -> span.getKind() == SpanKind.SERVER)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return spans.getFinishedSpanItems();
    }

    private static <T> T only(List<T> items, java.util.function.Predicate<T> test) {
        List<T> matching = items.stream().filter(test).toList();
        assertEquals(1, matching.size(), "expected exactly one of " + items);
        return matching.getFirst();
    }

    private static SpanData parentOf(List<SpanData> spans, SpanData child) {
        return only(spans, span -> span.getSpanId().equals(child.getParentSpanId()));
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                .mapToDouble(Sample::value).sum();
    }

    /** One sample line of Prometheus' text format. */
    record Sample(String name, Map<String, String> labels, double value) {
        private static final java.util.regex.Pattern LINE =
                java.util.regex.Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
        private static final java.util.regex.Pattern LABEL =
                java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static List<Sample> parse(String text) {
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                var match = LINE.matcher(line);
                assertTrue(match.matches(), "not a sample line: " + line);
                Map<String, String> labels = new java.util.HashMap<>();
                var label = LABEL.matcher(Optional.ofNullable(match.group(2)).orElse(""));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                samples.add(new Sample(match.group(1), labels,
                        match.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(match.group(3))));
            }
            return samples;
        }
    }
}
