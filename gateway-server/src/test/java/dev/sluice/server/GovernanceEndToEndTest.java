package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Teams, users, customers and budget tiers through LiteLLM's admin API, and the spend reports over them. */
class GovernanceEndToEndTest {

    @TempDir
    Path dir;
    private RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - model_name: priced
                    litellm_params: {model: mock/p}
                    model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002, access_groups: [beta]}
                  - model_name: other
                    litellm_params: {model: mock/o}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aTeamWithMembersKeysAndBudgetsInLiteLlmsShapes() {
        JsonNode team = ok(admin("/team/new", "{\"team_alias\":\"Search\",\"models\":[\"priced\"],\"max_budget\":50,"
                + "\"budget_duration\":\"30d\",\"members_with_roles\":[{\"role\":\"admin\",\"user_id\":\"ann\"}]}"));
        String teamId = team.path("team_id").asText();
        assertFalse(teamId.isBlank(), "a team id is made when none is given");
        assertEquals("ann", team.path("members_with_roles").get(0).path("user_id").asText());
        assertFalse(team.path("budget_reset_at").isNull(), "a budget window starts with budget_duration");

        JsonNode added = ok(admin("/team/member_add", "{\"team_id\":\"" + teamId + "\",\"member\":{\"role\":\"user\","
                + "\"user_email\":\"bob@example.com\"},\"max_budget_in_team\":1.5}"));
        assertEquals(2, added.path("members_with_roles").size());
        assertEquals(0, new BigDecimal("1.5").compareTo(added.path("updated_team_memberships").get(0)
                .path("max_budget_in_team").decimalValue()));

        HttpResponse<String> outsideTeamModels = admin("/key/generate", "{\"team_id\":\"" + teamId
                + "\",\"models\":[\"other\"]}");
        assertEquals(400, outsideTeamModels.statusCode());
        assertEquals("models", json(outsideTeamModels).path("error").path("param").asText());
        String key = ok(admin("/key/generate", "{\"team_id\":\"" + teamId + "\",\"user_id\":\"ann\"}")).path("key").asText();
        assertEquals(200, chat(key, "priced", null).statusCode());
        assertEquals("team_model_access_denied", json(chat(key, "other", null)).path("error").path("type").asText());

        JsonNode info = ok(gateway.get("/team/info?team_id=" + teamId, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals("Search", info.path("team_info").path("team_alias").asText());
        assertEquals(1, info.path("keys").size());
        assertEquals(2, info.path("team_memberships").size());
        JsonNode asMember = ok(gateway.get("/team/info?team_id=" + teamId, "Authorization", "Bearer " + key));
        assertEquals(teamId, asMember.path("team_id").asText(), "a member reads its team");
        assertEquals(1, ok(gateway.get("/team/list", "Authorization", "Bearer " + key)).size());

        JsonNode updated = ok(admin("/team/update", "{\"team_id\":\"" + teamId + "\",\"rpm_limit\":100}"));
        assertEquals(100, updated.path("data").path("rpm_limit").asLong());
        assertEquals(403, gateway.post("/team/update", "{\"team_id\":\"" + teamId + "\",\"max_budget\":1000}",
                "Authorization", "Bearer " + key).statusCode(), "the team's admin (ann) may not raise its budget");
        assertEquals(200, gateway.post("/team/update", "{\"team_id\":\"" + teamId + "\",\"team_alias\":\"Search 2\"}",
                "Authorization", "Bearer " + key).statusCode(), "but may rename it, as in LiteLLM");

        ok(admin("/team/member_delete", "{\"team_id\":\"" + teamId + "\",\"user_email\":\"bob@example.com\"}"));
        ok(admin("/team/block", "{\"team_id\":\"" + teamId + "\"}"));
        assertEquals(401, chat(key, "priced", null).statusCode());
        ok(admin("/team/unblock", "{\"team_id\":\"" + teamId + "\"}"));
        assertEquals(200, chat(key, "priced", null).statusCode());
        assertEquals(teamId, ok(admin("/team/delete", "{\"team_ids\":[\"" + teamId + "\"]}")).path("deleted_teams")
                .get(0).asText());
        assertEquals(401, chat(key, "priced", null).statusCode(), "a deleted team takes its keys with it");
    }

    @Test
    void usersGetAKeyAtCreationAndReadOnlyThemselves() {
        JsonNode ann = ok(admin("/user/new", "{\"user_id\":\"ann\",\"user_email\":\"ann@example.com\",\"max_budget\":50}"));
        String annKey = ann.path("key").asText();
        assertTrue(annKey.startsWith("sk-"), ann.toString());
        ok(admin("/user/new", "{\"user_id\":\"bob\",\"auto_create_key\":false}"));
        assertEquals(200, chat(annKey, "priced", null).statusCode());

        JsonNode self = ok(gateway.get("/user/info", "Authorization", "Bearer " + annKey));
        assertEquals("ann", self.path("user_id").asText());
        assertEquals(1, self.path("keys").size());
        assertEquals(404, gateway.get("/user/info?user_id=bob", "Authorization", "Bearer " + annKey).statusCode());
        assertEquals(403, gateway.post("/user/new", "{}", "Authorization", "Bearer " + annKey).statusCode());

        JsonNode page = ok(gateway.get("/user/list?page=1&page_size=1", "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(2, page.path("total").asLong());
        assertEquals(1, page.path("users").size());
        assertEquals(2, page.path("total_pages").asLong());

        ok(admin("/user/update", "{\"user_id\":\"ann\",\"user_role\":\"proxy_admin_viewer\"}"));
        HttpResponse<String> badRole = admin("/user/update", "{\"user_id\":\"ann\",\"user_role\":\"root\"}");
        assertEquals("user_role", json(badRole).path("error").path("param").asText());
        ok(admin("/user/delete", "{\"user_ids\":[\"ann\"]}"));
        assertEquals(401, chat(annKey, "priced", null).statusCode(), "a deleted user takes its keys with it");
    }

    @Test
    void customersAndBudgetTiers() {
        ok(admin("/budget/new", "{\"budget_id\":\"none-left\",\"max_budget\":0}"));
        JsonNode customer = ok(admin("/customer/new", "{\"user_id\":\"acme\",\"alias\":\"Acme\",\"budget_id\":\"none-left\"}"));
        assertEquals("acme", customer.path("user_id").asText());
        assertEquals("none-left", customer.path("litellm_budget_table").path("budget_id").asText());
        String key = ok(admin("/key/generate", "{}")).path("key").asText();
        HttpResponse<String> refused = chat(key, "priced", "acme");
        assertEquals(422, refused.statusCode(), "LiteLLM's budget_exceeded status");
        assertTrue(json(refused).path("error").path("message").asText().contains("customer 'acme'"), refused.body());

        ok(admin("/customer/update", "{\"user_id\":\"acme\",\"max_budget\":10}"));
        assertEquals(200, chat(key, "priced", "acme").statusCode(), "its own budget comes before its tier's");
        ok(admin("/end_user/block", "{\"user_ids\":[\"acme\"]}"));
        assertEquals(403, chat(key, "priced", "acme").statusCode());
        ok(admin("/customer/unblock", "{\"user_ids\":[\"acme\"]}"));
        assertEquals(200, chat(key, "priced", "acme").statusCode());

        assertEquals(1, ok(gateway.get("/customer/list", "Authorization", "Bearer " + MASTER_KEY)).size());
        assertEquals(1, ok(admin("/budget/info", "{\"budgets\":[\"none-left\"]}")).size());
        assertEquals(1, ok(gateway.get("/budget/list", "Authorization", "Bearer " + MASTER_KEY)).size());
        ok(admin("/customer/delete", "{\"user_ids\":[\"acme\"]}"));
        assertEquals(404, gateway.get("/customer/info?end_user_id=acme", "Authorization", "Bearer " + MASTER_KEY)
                .statusCode());
    }

    @Test
    void adminBodiesAreValidatedFieldByField() {
        assertRefused(admin("/team/new", "{\"max_budget\":-1}"), "max_budget");
        assertRefused(admin("/team/new", "{\"budget_duration\":\"3x\"}"), "budget_duration");
        assertRefused(admin("/team/new", "{\"colour\":\"red\"}"), "colour");
        assertRefused(admin("/team/new", "{\"members_with_roles\":[{\"role\":\"owner\",\"user_id\":\"a\"}]}"),
                "members_with_roles.role");
        assertRefused(admin("/customer/new", "{\"alias\":\"no id\"}"), "user_id");
        assertRefused(admin("/budget/new", "{\"rpm_limit\":\"many\"}"), "rpm_limit");
        assertRefused(admin("/user/new", "{\"models\":\"priced\"}"), "models");
        ok(admin("/team/new", "{\"team_id\":\"t1\"}"));
        assertRefused(admin("/team/new", "{\"team_id\":\"t1\"}"), "team_id");
        assertEquals(404, admin("/team/update", "{\"team_id\":\"nope\"}").statusCode());
    }

    @Test
    void reportsGroupDailySpendByTeamCustomerKeyAndModel() {
        ok(admin("/team/new", "{\"team_id\":\"search\",\"team_alias\":\"Search\"}"));
        ok(admin("/user/new", "{\"user_id\":\"ann\",\"auto_create_key\":false}"));
        String teamKey = ok(admin("/key/generate", "{\"team_id\":\"search\"}")).path("key").asText();
        String annKey = ok(admin("/key/generate", "{\"user_id\":\"ann\",\"models\":[\"beta\"]}")).path("key").asText();
        assertEquals(200, chat(teamKey, "priced", "acme").statusCode());
        assertEquals(200, chat(teamKey, "priced", "acme").statusCode());
        assertEquals(200, chat(annKey, "priced", null).statusCode(), "an access group lets its models through");
        assertEquals(401, chat(annKey, "other", null).statusCode());
        assertTrue(gateway.server().gateway().spend().flush());
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String window = "start_date=" + today + "&end_date=" + today;

        JsonNode byTeam = ok(gateway.get("/global/spend/report?" + window + "&group_by=team", "Authorization",
                "Bearer " + MASTER_KEY));
        assertEquals(today + "T00:00Z", byTeam.get(0).path("group_by_day").asText());
        JsonNode teams = byTeam.get(0).path("teams");
        JsonNode search = teams.get(0).path("team_name").asText().equals("Search") ? teams.get(0) : teams.get(1);
        assertEquals("Search", search.path("team_name").asText());
        BigDecimal perCall = search.path("total_spend").decimalValue().divide(BigDecimal.TWO);
        assertTrue(perCall.signum() > 0, byTeam.toString());

        JsonNode byCustomer = ok(gateway.get("/global/spend/report?" + window + "&group_by=customer",
                "Authorization", "Bearer " + MASTER_KEY));
        assertTrue(byCustomer.toString().contains("\"customer\":\"acme\""), byCustomer.toString());
        JsonNode byKey = ok(gateway.get("/global/spend/report?" + window + "&api_key=" + teamKey,
                "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(0, search.path("total_spend").decimalValue().compareTo(byKey.get(0).path("total_cost").decimalValue()));

        JsonNode activity = ok(gateway.get("/user/daily/activity?" + window, "Authorization", "Bearer " + annKey));
        assertEquals(1, activity.path("metadata").path("total_api_requests").asLong(),
                "a user sees its own calls, the refused one among them as failed: " + activity);
        assertEquals(today, activity.path("results").get(0).path("date").asText());
        assertTrue(activity.path("results").get(0).path("breakdown").path("models").has("mock/p"), activity.toString());
        JsonNode all = ok(gateway.get("/user/daily/activity?" + window, "Authorization", "Bearer " + MASTER_KEY));
        assertEquals(3, all.path("metadata").path("total_successful_requests").asLong(), all.toString());
    }

    private void assertRefused(HttpResponse<String> response, String field) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(field, json(response).path("error").path("param").asText(), response.body());
    }

    private HttpResponse<String> admin(String path, String body) {
        return gateway.postWithMasterKey(path, body);
    }

    private HttpResponse<String> chat(String key, String model, String user) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\"" + (user == null ? "" : ",\"user\":\""
                + user + "\"") + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer " + key);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }
}
