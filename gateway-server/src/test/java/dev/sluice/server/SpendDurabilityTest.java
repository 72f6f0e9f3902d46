package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spend is money: an answered call's record survives {@code kill -9} of the gateway process, a
 * hostile field, a stream cut halfway and a database outage; and keys in use keep working
 * through the outage. Against the embedded H2 and the real PostgreSQL (PGHOST/PGPORT/PGDATABASE/
 * PGUSER, defaulting to this machine's).
 */
class SpendDurabilityTest {

    private static final String CHAT = "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    private TestPostgres postgres;

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** @return a database_url line for a schema of this test's own, through the given port */
    private String postgresUrl(int port) {
        postgres = TestPostgres.schema("spend");
        return postgres.databaseUrlLine(port);
    }

    private static String config(String databaseLine, String models) {
        return """
                model_list:
                %s
                general_settings:
                  master_key: %s
                  %s
                """.formatted(models, MASTER_KEY, databaseLine);
    }

    private static final String MOCK_MODEL = """
              - model_name: priced
                litellm_params: {model: mock/priced}
                model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.001}""";

    private static String newKey(RunningGateway gateway) {
        HttpResponse<String> generated = gateway.postWithMasterKey("/key/generate", "{}");
        assertEquals(200, generated.statusCode(), generated.body());
        return json(generated).path("key").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void killMinus9LosesNoAnsweredCallsSpendAndTheRestartCountsNothingTwice(String database) throws Exception {
        String config = config(database.equals("h2") ? "" : postgresUrl(TestPostgres.PORT), MOCK_MODEL);
        Path home = Files.createDirectories(dir.resolve("replica"));
        Set<String> answered = ConcurrentHashMap.newKeySet();
        String key;
        RunningGateway gateway = RunningGateway.startProcess(home, config);
        try {
            key = newKey(gateway);
            AtomicBoolean killed = new AtomicBoolean();
            AtomicInteger calls = new AtomicInteger();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < 8; c++) {
                    clients.submit(() -> {
                        while (!killed.get() && calls.incrementAndGet() < 20_000) {
                            try {
                                HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT,
                                        "Authorization", "Bearer " + key);
                                if (response.statusCode() == 200) {
                                    answered.add(response.headers().firstValue("x-litellm-call-id").orElseThrow());
                                }
                            } catch (RuntimeException e) {
                                return; // the process is gone
                            }
                        }
                    });
                }
                while (answered.size() < 400 && calls.get() < 20_000) {
                    Thread.sleep(5);
                }
                gateway.kill(); // SIGKILL, with calls in flight and records not yet in the database
                killed.set(true);
            }
        } finally {
            gateway.kill();
        }
        assertTrue(answered.size() >= 400, "calls answered before the kill: " + answered.size());

        Files.move(home.resolve("gateway.log"), home.resolve("gateway-killed.log"));
        RunningGateway restarted = RunningGateway.startProcess(home, config);
        restarted.close(); // SIGTERM: a clean stop, which writes what the journal holds
        Set<String> logged = new HashSet<>();
        BigDecimal loggedSpend = BigDecimal.ZERO;
        BigDecimal keySpend;
        try (Connection connection = connect(database, home)) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select request_id, spend from sluice_spend_logs")) {
                while (rows.next()) {
                    assertTrue(logged.add(rows.getString(1)));
                    loggedSpend = loggedSpend.add(rows.getBigDecimal(2));
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("select spend from sluice_keys where key_alias is null "
                         + "and spend > 0")) {
                assertTrue(row.next(), () -> "no key has spend; " + answered.size() + " calls were answered before the "
                        + "kill; the killed gateway's log:\n" + read(home.resolve("gateway-killed.log"))
                        + "\nthe restarted gateway's log:\n" + read(home.resolve("gateway.log")));
                keySpend = row.getBigDecimal(1);
            }
        }
        Set<String> lost = new HashSet<>(answered);
        lost.removeAll(logged);
        assertEquals(Set.of(), lost, () -> "every call answered 200 before the kill has its spend-log row; "
                + answered.size() + " answered, " + logged.size() + " logged; the restarted gateway's log:\n"
                + read(home.resolve("gateway.log")));
        assertEquals(0, loggedSpend.compareTo(keySpend), "the key's spend is the sum of its rows, none counted twice: "
                + loggedSpend + " vs " + keySpend);
    }

    /**
     * What the admin API answered before a kill -9 is there after it: on the embedded H2 a commit
     * used to wait in memory for H2's write delay, and a key shown to its user was gone after a crash.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKeyCreatedJustBeforeAKillIsThereAfterIt(String database) throws Exception {
        String config = config(database.equals("h2") ? "" : postgresUrl(TestPostgres.PORT), MOCK_MODEL);
        Path home = Files.createDirectories(dir.resolve("created"));
        RunningGateway gateway = RunningGateway.startProcess(home, config);
        String key;
        try {
            key = newKey(gateway);
        } finally {
            gateway.kill(); // at once: well inside H2's default write delay of half a second
        }
        RunningGateway restarted = RunningGateway.startProcess(home, config);
        try {
            assertEquals(200, restarted.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key)
                    .statusCode(), "the key answered before the kill is still a key");
        } finally {
            restarted.close();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private Connection connect(String database, Path home) throws Exception {
        if (database.equals("h2")) {
            return DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data").resolve("sluice").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sluice", "");
        }
        return postgres.connect();
    }

    @Test
    void aRequestWithNulInItsFieldsLeavesSpendLoggingWorkingForEveryoneElse() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, config(postgresUrl(TestPostgres.PORT), MOCK_MODEL))) {
            String key = newKey(gateway);
            HttpResponse<String> hostile = gateway.post("/v1/chat/completions",
                    "{\"model\":\"x\\u0000\\u001b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "Authorization", "Bearer " + key);
            assertEquals(400, hostile.statusCode(), hostile.body());
            HttpResponse<String> next = gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key);
            assertEquals(200, next.statusCode(), next.body());
            var ledger = gateway.server().gateway().spend();
            assertTrue(ledger.flush(), "spend logging goes on");
            assertEquals(0, ledger.quarantined(), "the hostile record was made storable, not refused");
            assertEquals(0, ledger.pending());
            // the hostile call is refused at the edge, before anything of it is recorded (records that
            // still carry such characters are made storable: SpendLedgerTest)
            JsonNode logs = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY));
            assertEquals(1, logs.size(), logs.toString());
            assertEquals("success", logs.path(0).path("status").asText());
            JsonNode info = json(gateway.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY));
            assertTrue(info.path("info").path("spend").decimalValue().signum() > 0, info.toString());
        }
    }

    @Test
    void aStreamCutHalfwayIsChargedForTheTokensItDelivered() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi().reply("alpha beta gamma delta")) {
            String models = """
                      - model_name: priced
                        litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-fake}
                        model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.001}"""
                    .formatted(upstream.baseUri());
            try (RunningGateway gateway = RunningGateway.start(dir, config("", models))) {
                upstream.breakNextStreamAfterFirstChunk();
                HttpResponse<String> cut = gateway.post("/v1/chat/completions",
                        "{\"model\":\"priced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "Authorization", "Bearer " + MASTER_KEY);
                assertTrue(cut.body().contains("alpha"), cut.body());
                assertTrue(gateway.server().gateway().spend().flush());
                JsonNode row = json(gateway.get("/spend/logs", "Authorization", "Bearer " + MASTER_KEY)).get(0);
                assertEquals("interrupted", row.path("status").asText(), row.toString());
                assertEquals(8, row.path("prompt_tokens").asLong(), "3 + 3 per message + 'user' + 'hi'");
                assertTrue(row.path("completion_tokens").asLong() >= 1, row.toString());
                assertTrue(new BigDecimal(row.path("spend").asText()).compareTo(new BigDecimal("0.001")) >= 0,
                        "charged for what reached the client: " + row);
            }
        }
    }

    @Test
    void keysInUseKeepWorkingThroughAMinuteLongDatabaseOutageAndUnknownKeysFailFast() throws Exception {
        try (TcpProxy database = new TcpProxy(TestPostgres.HOST, TestPostgres.PORT);
             RunningGateway gateway = RunningGateway.start(dir, config(postgresUrl(database.port()), MOCK_MODEL))) {
            String known = newKey(gateway);
            String unused = newKey(gateway);
            assertEquals(200, gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + known).statusCode());
            assertTrue(gateway.server().gateway().spend().flush());

            database.cut();
            long outageEnds = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            int answered = 0;
            while (System.nanoTime() < outageEnds) {
                HttpResponse<String> call = gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + known);
                assertEquals(200, call.statusCode(), "a key in use keeps working: " + call.body());
                answered++;
                Thread.sleep(500);
            }
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + unused);
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("503", json(refused).path("error").path("code").asText(), refused.body());
            assertTrue(json(refused).path("error").path("message").asText().contains("database"), refused.body());
            JsonNode ready = json(gateway.get("/health/readiness"));
            assertEquals("Not connected", ready.path("db").asText(), ready.toString());
            assertFalse(gateway.server().gateway().spend().flush(), "spend waits in the journal");

            database.restore();
            for (int i = 0; i < 100 && !gateway.server().gateway().database().available(); i++) {
                Thread.sleep(100); // the probe finds the database within a second or two
            }
            assertTrue(gateway.server().gateway().spend().flush());
            assertEquals(200, gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + unused).statusCode());
            assertTrue(gateway.server().gateway().spend().flush());
            JsonNode logs = json(gateway.get("/spend/logs?page_size=1000&api_key=" + known, "Authorization", "Bearer " + MASTER_KEY));
            assertEquals(answered + 1, logs.size(), "every call made during the outage is recorded once");
        }
    }
}
