package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins added, replaced and removed while the gateway serves traffic: the new plugin's models
 * become routable, a replaced version finishes the calls it started, a removed one finishes its
 * calls and then its models are refused; a broken jar is refused and shown failed. No call to any
 * other model fails at any point, and none to the plugin's model while it is being replaced.
 */
class HotPluginsTest {

    @TempDir
    Path dir;

    @Test
    void pluginsComeAndGoUnderLoadWithoutAFailedCall() throws Exception {
        Path plugins = TestPluginJar.folderWithShippedPlugins(dir);
        Path first = TestPluginJar.build(Files.createDirectories(dir.resolve("v1")), "hot-echo", ">=1.0.0 & <2.0.0",
                "acme.EchoProvider", TestPluginJar.ECHO_SOURCE.formatted("hotecho", "one"), false);
        Path second = TestPluginJar.build(Files.createDirectories(dir.resolve("v2")), "hot-echo", ">=1.0.0 & <2.0.0",
                "acme.EchoProvider", TestPluginJar.ECHO_SOURCE.formatted("hotecho", "second"), false);

        try (RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gw")), """
                model_list:
                  - {model_name: steady, litellm_params: {model: mock/steady}}
                  - {model_name: hot, litellm_params: {model: hotecho/v1}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY), plugins, Map.of());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> steadyFailures = new CopyOnWriteArrayList<>();
            AtomicInteger steadyCalls = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                clients.submit(() -> {
                    while (running.get()) {
                        HttpResponse<String> answer = chat(gateway, "steady", "ping");
                        steadyCalls.incrementAndGet();
                        if (answer.statusCode() != 200) {
                            steadyFailures.add(answer.statusCode() + " " + answer.body());
                        }
                    }
                    return null;
                });
            }

            assertEquals(503, chat(gateway, "hot", "ping").statusCode(), "no plugin serves hotecho/ yet");
            TestPluginJar.install(first, plugins.resolve("hot-echo.jar"));
            awaitReply(gateway, "one: ping"::equals, "the added plugin's answer");

            // Replaced while calls run: the old version finishes what it started, nothing fails.
            Future<HttpResponse<String>> slowOnOld = clients.submit(() -> chat(gateway, "hot", "slow"));
            awaitInFlight(gateway, "hot-echo.jar");
            List<String> hotFailures = new CopyOnWriteArrayList<>();
            AtomicBoolean replacing = new AtomicBoolean(true);
            Future<?> hotLoad = clients.submit(() -> {
                while (replacing.get()) {
                    HttpResponse<String> answer = chat(gateway, "hot", "ping");
                    if (answer.statusCode() != 200) {
                        hotFailures.add(answer.statusCode() + " " + answer.body());
                    }
                }
                return null;
            });
            TestPluginJar.install(second, plugins.resolve("hot-echo.jar"));
            awaitReply(gateway, "second: ping"::equals, "the new version's answer");
            replacing.set(false);
            hotLoad.get();
            assertEquals(List.of(), hotFailures, "calls to the plugin's model while it was replaced");
            assertEquals("one: slow", reply(slowOnOld.get()), "the old version finished the call it had started");

            // Removed: its call in flight finishes, then its model is refused.
            Future<HttpResponse<String>> slowOnRemoved = clients.submit(() -> chat(gateway, "hot", "slow"));
            awaitInFlight(gateway, "hot-echo.jar");
            Files.delete(plugins.resolve("hot-echo.jar"));
            awaitStatus(gateway, 503);
            assertEquals("second: slow", reply(slowOnRemoved.get()), "a removed plugin finishes its calls");

            // A broken jar is refused, shown as failed, and the gateway keeps serving.
            Files.writeString(plugins.resolve("broken.jar"), "not a jar");
            JsonNode broken = awaitPlugin(gateway, "broken.jar");
            assertEquals("failed", broken.path("state").asText(), broken.toString());

            running.set(false);
            assertTrue(steadyCalls.get() > 20, "the load ran throughout: " + steadyCalls.get() + " calls");
            assertEquals(List.of(), steadyFailures, "calls to other models while plugins came and went");
        }
    }

    private static HttpResponse<String> chat(RunningGateway gateway, String model, String text) {
        return gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    private static String reply(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer).path("choices").path(0).path("message").path("content").asText();
    }

    private static void awaitReply(RunningGateway gateway, Predicate<String> expected, String what) throws Exception {
        String last = "";
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> answer = chat(gateway, "hot", "ping");
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200 && expected.test(reply(answer))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " within 15 s; last answer: " + last);
    }

    private static void awaitStatus(RunningGateway gateway, int status) throws Exception {
        for (int i = 0; i < 300 && chat(gateway, "hot", "ping").statusCode() != status; i++) {
            Thread.sleep(50);
        }
        assertEquals(status, chat(gateway, "hot", "ping").statusCode());
    }

    /** Waits until the plugin of the file is serving a call (the slow one: nothing else calls it then). */
    private static void awaitInFlight(RunningGateway gateway, String file) throws Exception {
        for (int i = 0; i < 300 && awaitPlugin(gateway, file).path("in_flight").asInt() < 1; i++) {
            Thread.sleep(10);
        }
        assertTrue(awaitPlugin(gateway, file).path("in_flight").asInt() >= 1, "the slow call never reached the plugin");
    }

    private static JsonNode awaitPlugin(RunningGateway gateway, String file) throws Exception {
        for (int i = 0; i < 300; i++) {
            for (JsonNode plugin : json(gateway.get("/plugins", "Authorization", "Bearer " + MASTER_KEY)).path("plugins")) {
                if (plugin.path("file").asText().endsWith(file)) {
                    return plugin;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " never appeared in /plugins");
    }
}
