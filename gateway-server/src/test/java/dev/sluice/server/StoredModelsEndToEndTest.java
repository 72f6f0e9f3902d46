package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeOpenAi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models added, changed and deleted through {@code /model/new|update|delete}: served at once,
 * the provider key sealed in the database, kept over a restart; on the embedded H2 and on the
 * real PostgreSQL.
 */
class StoredModelsEndToEndTest {

    private static final String PG = System.getenv().getOrDefault("PGHOST", "127.0.0.1") + ":"
            + System.getenv().getOrDefault("PGPORT", "5432") + "/" + System.getenv().getOrDefault("PGDATABASE", "test");
    private static final String PG_USER = System.getenv().getOrDefault("PGUSER", "postgres");
    private static final String PROVIDER_KEY = "sk-provider-secret-0123456789";

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    String schema;

    @BeforeEach
    void startUpstream() {
        upstream = new FakeOpenAi();
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        if (schema != null) {
            postgres("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private String config(String database, boolean storeModels) throws Exception {
        String databaseUrl = "";
        if (database.equals("postgresql")) {
            if (schema == null) {
                schema = "models_" + UUID.randomUUID().toString().replace("-", "");
                postgres("CREATE SCHEMA " + schema);
            }
            databaseUrl = "database_url: \"postgresql://%s@%s?currentSchema=%s\"".formatted(PG_USER, PG, schema);
        }
        return """
                model_list:
                  - model_name: from-config
                    litellm_params: {model: mock/c}
                    model_info: {id: config-model}
                general_settings:
                  master_key: %s
                  store_model_in_db: %s
                  %s
                """.formatted(MASTER_KEY, storeModels, databaseUrl);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aModelAddedIsServedAtOnceSealedAtRestKeptOverARestartAndGoneWhenDeleted(String database) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String id;
        try (RunningGateway gateway = RunningGateway.start(data, config(database, true))) {
            HttpResponse<String> added = gateway.postWithMasterKey("/model/new", """
                    {"model_name": "added", "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": "%s/v1",
                     "api_key": "%s"}, "model_info": {"input_cost_per_token": 0.000001}}
                    """.formatted(upstream.baseUri(), PROVIDER_KEY));
            assertEquals(200, added.statusCode(), added.body());
            assertFalse(added.body().contains(PROVIDER_KEY), added.body());
            id = json(added).path("model_info").path("id").asText();
            assertFalse(id.isBlank());

            assertEquals(200, chat(gateway, "added").statusCode());
            assertEquals("Bearer " + PROVIDER_KEY, upstream.takeRequest().header("Authorization").orElseThrow(),
                    "the provider key is opened and used");
            JsonNode info = only(json(gateway.get("/model/info?litellm_model_id=" + id, "Authorization",
                    "Bearer " + MASTER_KEY)).path("data"));
            assertTrue(info.path("model_info").path("db_model").asBoolean());
            assertEquals("healthy", info.path("model_info").path("sluice_state").asText());
            assertFalse(info.toString().contains(PROVIDER_KEY), info.toString());
            List<String> stored = gateway.server().gateway().database().jdbi().withHandle(handle -> handle
                    .createQuery("select litellm_params from sluice_models").mapTo(String.class).list());
            assertEquals(1, stored.size());
            assertFalse(stored.getFirst().contains(PROVIDER_KEY) || stored.getFirst().contains("gpt-4o-mini"),
                    "litellm_params are sealed at rest: " + stored.getFirst());

            HttpResponse<String> rotated = gateway.postWithMasterKey("/model/update",
                    "{\"model_info\": {\"id\": \"" + id + "\"}, \"litellm_params\": {\"api_key\": \"sk-rotated-key\"}}");
            assertEquals(200, rotated.statusCode(), rotated.body());
            assertEquals(200, chat(gateway, "added").statusCode());
            assertEquals("Bearer sk-rotated-key", upstream.takeRequest().header("Authorization").orElseThrow(),
                    "a key rotated alone keeps the rest of the model");
        }
        try (RunningGateway restarted = RunningGateway.start(data, config(database, true))) {
            assertEquals(200, chat(restarted, "added").statusCode(), "stored models outlive a restart");
            assertEquals("Bearer sk-rotated-key", upstream.takeRequest().header("Authorization").orElseThrow());
            HttpResponse<String> deleted = restarted.postWithMasterKey("/model/delete", "{\"id\": \"" + id + "\"}");
            assertEquals(200, deleted.statusCode(), deleted.body());
            HttpResponse<String> gone = chat(restarted, "added");
            assertEquals(400, gone.statusCode(), gone.body());
            assertEquals(404, restarted.postWithMasterKey("/model/delete", "{\"id\": \"" + id + "\"}").statusCode());
            assertEquals(200, chat(restarted, "from-config").statusCode());
        }
    }

    @Test
    void badRequestsAreRefusedInWordsThatSayWhatToDo() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, config("h2", true))) {
            HttpResponse<String> noPrefix = gateway.postWithMasterKey("/model/new",
                    "{\"model_name\": \"x\", \"litellm_params\": {\"model\": \"nosuchvendor/m\"}}");
            assertEquals(400, noPrefix.statusCode());
            assertEquals("litellm_params.model", json(noPrefix).path("error").path("param").asText(), noPrefix.body());
            HttpResponse<String> noName = gateway.postWithMasterKey("/model/new",
                    "{\"litellm_params\": {\"model\": \"mock/m\"}}");
            assertEquals(400, noName.statusCode());
            assertEquals("model_name", json(noName).path("error").path("param").asText());
            HttpResponse<String> configModel = gateway.postWithMasterKey("/model/delete", "{\"id\": \"config-model\"}");
            assertEquals(400, configModel.statusCode());
            assertTrue(json(configModel).path("error").path("message").asText().contains("config.yaml"));
            assertEquals(400, gateway.postWithMasterKey("/model/new", "{\"model_name\": \"dup\", \"litellm_params\": "
                    + "{\"model\": \"mock/m\"}, \"model_info\": {\"id\": \"config-model\"}}").statusCode());

            String userKey = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
            assertEquals(403, gateway.post("/model/new", "{\"model_name\": \"x\", \"litellm_params\": "
                    + "{\"model\": \"mock/m\"}}", "Authorization", "Bearer " + userKey).statusCode());

            HttpResponse<String> patched = gateway.postWithMasterKey("/model/new",
                    "{\"model_name\": \"p\", \"litellm_params\": {\"model\": \"mock/m\"}, \"model_info\": {\"id\": \"p1\"}}");
            assertEquals(200, patched.statusCode(), patched.body());
            HttpResponse<String> renamed = gateway.send(HttpRequest.newBuilder(gateway.uri("/model/p1/update"))
                    .header("Authorization", "Bearer " + MASTER_KEY)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"model_name\": \"renamed\"}")).build());
            assertEquals(200, renamed.statusCode(), renamed.body());
            assertEquals(200, chat(gateway, "renamed").statusCode());
            assertEquals(400, chat(gateway, "p").statusCode());
        }
    }

    @Test
    void withoutStoreModelInDbTheApiSaysHowToTurnItOn() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, config("h2", false))) {
            HttpResponse<String> refused = gateway.postWithMasterKey("/model/new",
                    "{\"model_name\": \"x\", \"litellm_params\": {\"model\": \"mock/m\"}}");
            assertEquals(400, refused.statusCode());
            assertTrue(json(refused).path("error").path("message").asText().contains("store_model_in_db"));
        }
    }

    private static HttpResponse<String> chat(RunningGateway gateway, String model) {
        return gateway.postWithMasterKey("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static JsonNode only(JsonNode array) {
        assertEquals(1, array.size(), array.toString());
        return array.get(0);
    }

    private static void postgres(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + PG, PG_USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
