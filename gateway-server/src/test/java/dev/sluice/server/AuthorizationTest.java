package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin route, called by each kind of caller, against a table of what LiteLLM allows: a
 * proxy_admin everything; a proxy_admin_viewer reads everything and changes nothing; an
 * internal_user manages its own keys and reads its own things; an internal_user_viewer only reads
 * its own; a team's admin also manages the team's keys and members, a team member (role user)
 * only reads the team (its admin may rename it, not raise its budget); a key of no user only reads
 * itself; no key nothing. A blocked team's key
 * may call no route at all. Each row is one request; "y" means allowed (2xx), "n" refused (401,
 * 403 or 404, the last where existence is not disclosed).
 */
class AuthorizationTest {

    /** The callers, in the order of each row's answers. */
    private static final List<String> CALLERS = List.of("proxy_admin", "proxy_admin_viewer", "internal_user",
            "internal_user_viewer", "team_admin", "team_member", "plain_key", "no_key");

    @TempDir
    Path dir;
    private RunningGateway gateway;
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> users = new LinkedHashMap<>();
    private final AtomicInteger fresh = new AtomicInteger();

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: mock/gpt-4o-mini}
                general_settings: {master_key: %s, store_model_in_db: true}
                """.formatted(MASTER_KEY));
        admin("/team/new", "{\"team_id\":\"t1\"}");
        Map<String, String> roles = Map.of("proxy_admin", "proxy_admin", "proxy_admin_viewer", "proxy_admin_viewer",
                "internal_user", "internal_user", "internal_user_viewer", "internal_user_viewer",
                "team_admin", "internal_user", "team_member", "internal_user");
        for (String caller : CALLERS.subList(0, 6)) {
            String user = "u-" + caller;
            users.put(caller, user);
            admin("/user/new", "{\"user_id\":\"" + user + "\",\"user_role\":\"" + roles.get(caller)
                    + "\",\"auto_create_key\":false}");
            keys.put(caller, json(admin("/key/generate", "{\"user_id\":\"" + user + "\"}")).path("key").asText());
        }
        admin("/team/member_add", "{\"team_id\":\"t1\",\"member\":[{\"role\":\"admin\",\"user_id\":\"u-team_admin\"},"
                + "{\"role\":\"user\",\"user_id\":\"u-team_member\"}]}");
        keys.put("plain_key", json(admin("/key/generate", "{}")).path("key").asText());
        users.put("plain_key", "u-nobody");
        users.put("no_key", "u-nobody");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> admin(String path, String body) {
        HttpResponse<String> response = gateway.postWithMasterKey(path, body);
        assertEquals(200, response.statusCode(), path + " " + body + ": " + response.body());
        return response;
    }

    /** One request of the table: {me} is the caller's user, {key} its key, {fresh} a new name each time. */
    private record Row(String method, String path, String body, String answers) {
    }

    private static Row get(String path, String answers) {
        return new Row("GET", path, null, answers.replace(" ", ""));
    }

    private static Row post(String path, String body, String answers) {
        return new Row("POST", path, body, answers.replace(" ", ""));
    }

    // answers, one letter a caller: admin, admin_viewer, user, user_viewer, team_admin, team_member, plain, none
    private static final List<Row> TABLE = List.of(
            post("/key/generate", "{\"user_id\":\"{me}\"}", "y n y n y y n n"),
            post("/key/generate", "{\"user_id\":\"u-internal_user_viewer\"}", "y n n n n n n n"),
            post("/key/generate", "{\"team_id\":\"t1\"}", "y n n n y n n n"),
            post("/key/update", "{\"key\":\"{ownKey}\",\"team_id\":\"t1\"}", "y n n n y n n n"),
            post("/key/update", "{\"key\":\"{ownKey}\",\"key_alias\":\"{fresh}\"}", "y n y n y y n n"),
            post("/key/update", "{\"key\":\"{otherKey}\",\"key_alias\":\"{fresh}\"}", "y n n n n n n n"),
            get("/key/info?key={key}", "y y y y y y y n"),
            get("/key/info?key={otherKey}", "y y n n n n n n"),
            get("/key/list", "y y y y y y y n"),
            post("/key/delete", "{\"keys\":[\"{ownKey}\"]}", "y n y n y y n n"),
            post("/key/delete", "{\"keys\":[\"{otherKey}\"]}", "y n n n n n n n"),
            post("/key/block", "{\"key\":\"{otherKey}\"}", "y n n n n n n n"),
            post("/key/regenerate", "{\"key\":\"{otherKey}\"}", "y n n n n n n n"),
            post("/user/new", "{\"user_id\":\"{fresh}\",\"auto_create_key\":false}", "y n n n n n n n"),
            post("/user/update", "{\"user_id\":\"{me}\",\"max_budget\":5}", "y n n n n n n n"),
            post("/user/delete", "{\"user_ids\":[\"{freshUser}\"]}", "y n n n n n n n"),
            get("/user/info?user_id={me}", "y y y y y y n n"),
            get("/user/info?user_id=u-internal_user", "y y y n n n n n"),
            get("/user/list", "y y n n n n n n"),
            post("/team/new", "{\"team_alias\":\"{fresh}\"}", "y n n n n n n n"),
            post("/team/update", "{\"team_id\":\"t1\",\"team_alias\":\"{fresh}\"}", "y n n n y n n n"),
            post("/team/update", "{\"team_id\":\"t1\",\"max_budget\":100}", "y n n n n n n n"),
            get("/team/info?team_id=t1", "y y n n y y n n"),
            post("/team/member_add", "{\"team_id\":\"t1\",\"member\":{\"role\":\"user\",\"user_id\":\"{fresh}\"}}",
                    "y n n n y n n n"),
            post("/team/block", "{\"team_id\":\"{freshTeam}\"}", "y n n n n n n n"),
            post("/team/delete", "{\"team_ids\":[\"{freshTeam}\"]}", "y n n n n n n n"),
            post("/budget/new", "{\"budget_id\":\"{fresh}\",\"max_budget\":1}", "y n n n n n n n"),
            get("/budget/list", "y y n n n n n n"),
            post("/customer/new", "{\"user_id\":\"{fresh}\"}", "y n n n n n n n"),
            get("/customer/list", "y y n n n n n n"),
            post("/model/new", "{\"model_name\":\"{fresh}\",\"litellm_params\":{\"model\":\"mock/x\"}}",
                    "y n n n n n n n"),
            get("/model/info", "y y y y y y y n"),
            get("/global/spend/report", "y y y y y y y n"), // each sees only its own spend (SpendRoutes)
            get("/plugins", "y y n n n n n n"));

    @Test
    void everyRouteAnswersEachCallerAsLiteLlmDoes() {
        List<String> wrong = new ArrayList<>();
        for (Row row : TABLE) {
            for (int i = 0; i < CALLERS.size(); i++) {
                String caller = CALLERS.get(i);
                boolean allowed = row.answers().charAt(i) == 'y';
                HttpResponse<String> response = call(row, caller);
                boolean ok = response.statusCode() / 100 == 2;
                boolean refused = Set.of(401, 403, 404).contains(response.statusCode());
                if (allowed ? !ok : !refused) {
                    wrong.add(caller + ": " + row.method() + " " + row.path() + " " + (row.body() == null ? ""
                            : row.body()) + " -> " + response.statusCode() + " (expected " + (allowed ? "2xx" : "refusal")
                            + ") " + response.body().substring(0, Math.min(160, response.body().length())));
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " answers differ from LiteLLM's:\n"
                + wrong.stream().collect(Collectors.joining("\n")));
    }

    @Test
    void aBlockedTeamsKeyMayCallNoRoute() {
        String teamKey = json(admin("/key/generate", "{\"team_id\":\"t1\"}")).path("key").asText();
        admin("/team/block", "{\"team_id\":\"t1\"}");
        for (String path : List.of("/key/info?key=" + teamKey, "/key/list", "/model/info", "/v1/models",
                "/team/info?team_id=t1")) {
            HttpResponse<String> response = gateway.get(path, "Authorization", "Bearer " + teamKey);
            assertEquals(401, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("blocked"), response.body());
        }
    }

    @Test
    void changesNameTheUserWhoMadeThemNotAKeysHash() {
        String key = keys.get("internal_user");
        HttpResponse<String> made = gateway.post("/key/generate", "{}", "Authorization", "Bearer " + key,
                "Content-Type", "application/json");
        assertEquals(200, made.statusCode(), made.body());
        assertEquals("u-internal_user", json(made).path("created_by").asText(), made.body());
    }

    private HttpResponse<String> call(Row row, String caller) {
        String me = users.get(caller);
        String ownKey = caller.equals("plain_key") ? keys.get("plain_key")
                : caller.equals("no_key") ? keys.get("internal_user") : newKeyOf(me);
        String text = (row.body() == null ? row.path() : row.path() + "\n" + row.body())
                .replace("{me}", me).replace("{key}", keys.getOrDefault(caller, keys.get("internal_user")))
                .replace("{ownKey}", ownKey).replace("{otherKey}", newKeyOf("u-proxy_admin"));
        if (text.contains("{freshUser}")) {
            String user = "fresh-user-" + fresh.incrementAndGet();
            admin("/user/new", "{\"user_id\":\"" + user + "\",\"auto_create_key\":false}");
            text = text.replace("{freshUser}", user);
        }
        if (text.contains("{freshTeam}")) {
            String team = "fresh-team-" + fresh.incrementAndGet();
            admin("/team/new", "{\"team_id\":\"" + team + "\"}");
            text = text.replace("{freshTeam}", team);
        }
        text = text.replace("{fresh}", "fresh-" + fresh.incrementAndGet());
        String path = text.contains("\n") ? text.substring(0, text.indexOf('\n')) : text;
        String[] auth = caller.equals("no_key") ? new String[0] : new String[] {"Authorization", "Bearer " + keys.get(caller)};
        if (row.method().equals("GET")) {
            return gateway.get(path, auth);
        }
        String body = text.substring(text.indexOf('\n') + 1);
        String[] headers = new String[auth.length + 2];
        System.arraycopy(auth, 0, headers, 0, auth.length);
        headers[auth.length] = "Content-Type";
        headers[auth.length + 1] = "application/json";
        return gateway.post(path, body, headers);
    }

    private String newKeyOf(String user) {
        return json(admin("/key/generate", "{\"user_id\":\"" + user + "\"}")).path("key").asText();
    }
}
