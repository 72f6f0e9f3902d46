package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin UI in Debian's Chromium (headless) against a running gateway: the jobs a platform
 * team does with it, end to end through the public admin API. Screenshots of every page go to
 * {@code target/ui-screenshots/} ({@code docs/ui/} holds a copy for the README).
 */
class AdminUiBrowserTest {

    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final String CHAT = "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @TempDir
    static Path dir;
    static RunningGateway gateway;
    static Browser browser;
    static dev.sluice.testkit.FakeLogIntake webhook;

    @BeforeAll
    static void start() throws Exception {
        webhook = new dev.sluice.testkit.FakeLogIntake();
        gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gateway")), """
                model_list:
                  - model_name: priced
                    litellm_params: {model: mock/p, rpm: 600}
                    model_info: {input_cost_per_token: 0.0001, output_cost_per_token: 0.0002}
                  - model_name: embed
                    litellm_params: {model: mock/e}
                general_settings: {master_key: %s, store_model_in_db: true, alerting: [webhook],
                                   alert_types: [budget_alerts]}
                litellm_settings: {callbacks: [audit]}
                callback_settings:
                  audit: {callback_type: generic_api, endpoint: "%s/logs"}
                guardrails:
                  - guardrail_name: house-rules
                    litellm_params: {guardrail: litellm_content_filter, mode: pre_call, blocked_words: [falcon]}
                    guardrail_info: {owner: platform}
                environment_variables: {WEBHOOK_URL: "%s/alerts"}
                """.formatted(MASTER_KEY, webhook.baseUri(), webhook.baseUri()));
        browser = Browser.start(Files.createDirectories(dir.resolve("browser")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    @Test
    void aKeyWithABudgetIsCreatedUsedWatchedAndBlocked() throws Exception {
        openLoggedOut();
        browser.screenshot(SCREENSHOTS.resolve("login.png"));
        browser.type("#login-key", "sk-not-the-master-key");
        browser.click("#login-with-key");
        browser.textWhen("#error", text -> !text.isBlank(), "an error message");
        browser.type("#login-key", MASTER_KEY);
        browser.click("#login-with-key");
        browser.find("#keys");

        browser.type("#key-key_alias", "browser-key");
        browser.type("#key-max_budget", "5");
        browser.type("#key-models", "priced");
        browser.click("#create-key");
        String key = browser.textWhen("#new-key", text -> text.startsWith("sk-"), "the new key");
        browser.screenshot(SCREENSHOTS.resolve("key-created.png"));
        browser.click("#close-dialog");
        String row = "tr[data-alias='browser-key']";
        assertEquals("$0.0000", browser.text(row + " .spend"));

        HttpResponse<String> answered = chat(key);
        assertEquals(200, answered.statusCode(), answered.body());
        // Spend lands in the ledger after the answer; reload the list until it shows.
        String spend = browser.waitFor("the key's spend", () -> {
            browser.click("#search-keys");
            return browser.findNow(row + " .spend").map(browser::textOf).filter(text -> !text.equals("$0.0000"));
        });
        assertTrue(spend.matches("\\$0\\.\\d{4}"), spend);
        assertEquals(json(gateway.get("/key/info?key=" + key, "Authorization", "Bearer " + MASTER_KEY))
                .path("info").path("spend").decimalValue().setScale(4, java.math.RoundingMode.HALF_UP).toPlainString(),
                spend.substring(1), "the UI shows the spend the API records");
        browser.screenshot(SCREENSHOTS.resolve("keys.png"));

        browser.click(row + " button[data-action='block']");
        browser.textWhen(row + " .badge", "blocked"::equals, "the blocked badge");
        HttpResponse<String> refused = chat(key);
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(json(refused).path("error").path("message").asText().contains("blocked"), refused.body());

        browser.click(row + " button[data-action='unblock']");
        browser.textWhen(row + " .badge", "active"::equals, "the active badge");
        assertEquals(200, chat(key).statusCode());

        browser.click(row + " button[data-action='edit']");
        browser.type("#form-max_budget", "7.5");
        browser.click("#form-submit");
        browser.textWhen(row + " td:nth-child(7)", text -> text.startsWith("$7.5000"), "the new budget");
        assertEquals(0, new java.math.BigDecimal("7.5").compareTo(json(gateway.get("/key/info?key=" + key,
                "Authorization", "Bearer " + MASTER_KEY)).path("info").path("max_budget").decimalValue()));

        browser.click(row + " button[data-action='delete']");
        browser.acceptDialog();
        browser.waitFor("the key gone from the list", () -> browser.findNow(row).isEmpty() ? Optional.of(true) : Optional.empty());
        assertEquals(401, chat(key).statusCode(), "a deleted key is refused");
    }

    @Test
    void anInternalUserSeesOnlyThePagesItsRoleMayUse() throws Exception {
        gateway.postWithMasterKey("/user/new", "{\"user_id\": \"dev-7\", \"user_role\": \"internal_user\", "
                + "\"auto_create_key\": false}");
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"user_id\": \"dev-7\", "
                + "\"key_alias\": \"dev-7-laptop\"}")).path("key").asText();
        openLoggedOut();
        browser.type("#login-key", key);
        browser.click("#login-with-key");
        browser.find("#keys");
        String nav = browser.text("#nav");
        for (String page : List.of("Keys", "Models", "Usage", "Logs")) {
            assertTrue(nav.contains(page), nav);
        }
        for (String page : List.of("Teams", "Users", "Customers", "Plugins")) {
            assertFalse(nav.contains(page), "an internal user does not see " + page + ": " + nav);
        }
        assertTrue(browser.text("#keys").contains("dev-7-laptop"));
        assertTrue(browser.findNow("#keys button[data-action='block']").isEmpty(), "no admin actions");
        browser.click("#logout");
        browser.find("#login-key");
    }

    @Test
    void everyPageShowsWithoutAnError() throws Exception {
        // Something for each page to show (and for the screenshots in docs/ui/).
        gateway.postWithMasterKey("/budget/new", "{\"budget_id\": \"free-tier\", \"max_budget\": 10, \"rpm_limit\": 10}");
        gateway.postWithMasterKey("/customer/new", "{\"user_id\": \"acme-corp\", \"budget_id\": \"free-tier\"}");
        gateway.postWithMasterKey("/team/new", "{\"team_alias\": \"research\", \"max_budget\": 5, "
                + "\"members_with_roles\": [{\"user_id\": \"carol\", \"role\": \"admin\"}]}");
        String teamId = json(gateway.get("/team/list", "Authorization", "Bearer " + MASTER_KEY)).findValuesAsText("team_id")
                .stream().filter(id -> !id.isBlank()).findFirst().orElseThrow();
        String teamKey = json(gateway.postWithMasterKey("/key/generate", "{\"key_alias\": \"research-batch\", "
                + "\"team_id\": \"" + teamId + "\", \"max_budget\": 2}")).path("key").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, chat(teamKey, "{\"model\":\"priced\",\"user\":\"acme-corp\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"summarise the quarter\"}]}").statusCode());
        }
        logInAsAdmin();
        browser.console(); // what earlier tests logged (a refused login is logged as a failed request)
        for (String page : List.of("teams", "users", "customers", "budgets", "models", "usage", "logs", "plugins",
                "observability")) {
            browser.click("#nav a[href='#/" + page + "']");
            browser.find("#" + (page.equals("observability") ? "loggers" : page));
            if (page.equals("usage")) {
                browser.textWhen("#top-spenders", text -> text.contains("priced"), "the model's spend");
            }
            assertTrue(browser.findNow("#error:not([hidden])").isEmpty(), page + " shows an error: " + browser.text("#error"));
            browser.screenshot(SCREENSHOTS.resolve(page + ".png"));
        }
        String console = browser.console();
        assertFalse(console.contains("SEVERE"), "the pages logged errors: " + console);
        browser.click("#logout");
        browser.find("#login-key");
    }

    @Test
    void theLoggersAlertsAndGuardrailsInEffectShowAndATestAlertIsSent() throws Exception {
        logInAsAdmin();
        browser.click("#nav a[href='#/observability']");
        browser.textWhen("#loggers", text -> text.contains("audit") && text.contains("generic_api"), "the logger");
        browser.textWhen("#guardrails", text -> text.contains("house-rules") && text.contains("litellm_content_filter")
                && text.contains("owner"), "the guardrail");
        assertFalse(browser.text("#guardrails").contains("falcon"), "a guardrail's settings are not shown");
        browser.click("[data-test-alert='webhook']");
        browser.textWhen("#alert-sent", text -> text.contains("queued"), "the test alert's confirmation");
        com.fasterxml.jackson.databind.JsonNode alert;
        do {
            alert = RunningGateway.JSON.readTree(webhook.takeRequest().body());
        } while (!alert.path("event").asText().equals("test_alert")); // the logger posts to the same intake
        browser.click("#logout");
        browser.find("#login-key");
    }

    @Test
    void aModelAndATeamAreAddedInTheUiAndACallsDetailsOpen() throws Exception {
        logInAsAdmin();
        browser.click("#nav a[href='#/models']");
        browser.click("#new-model");
        browser.type("#form-model_name", "added-in-ui");
        browser.type("#form-litellm_params-model", "mock/ui");
        browser.type("#form-litellm_params-api_key", "sk-provider-typed-in-the-ui");
        browser.type("#form-model_info-output_cost_per_token", "0.001");
        browser.screenshot(SCREENSHOTS.resolve("model-add.png"));
        browser.click("#form-submit");
        browser.find("tr[data-model='added-in-ui']");
        assertEquals("database", browser.text("tr[data-model='added-in-ui'] td:nth-child(8)"));
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"key_alias\": \"ui-model-user\"}")).path("key").asText();
        HttpResponse<String> served = chat(key, "{\"model\":\"added-in-ui\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertEquals(200, served.statusCode(), "a model added in the UI is served at once: " + served.body());
        assertFalse(browser.text("#models").contains("sk-provider-typed-in-the-ui"));

        browser.click("#nav a[href='#/teams']");
        browser.click("#new-team");
        browser.type("#form-team_alias", "search");
        browser.type("#form-max_budget", "20");
        browser.type("#form-members", "alice");
        browser.click("#form-submit");
        browser.click("tr[data-team='search'] button[data-action='open']");
        browser.textWhen("#members", text -> text.contains("alice"), "the team's member");
        browser.type("#member-user", "bob");
        browser.click("#add-member");
        browser.textWhen("#members", text -> text.contains("bob"), "the added member");
        browser.screenshot(SCREENSHOTS.resolve("team.png"));
        browser.click("#close-dialog");

        browser.click("#nav a[href='#/logs']");
        browser.click("#logs-search");
        browser.click("#logs tr.clickable");
        browser.textWhen("#log-details", text -> text.contains("Request id"), "the call's details");
        browser.screenshot(SCREENSHOTS.resolve("log-details.png"));
        browser.click("#close-dialog");
    }

    @Test
    void theApiReferenceRendersFromTheGatewayAlone() throws Exception {
        browser.open(gateway.uri("/docs"));
        browser.textWhen(".swagger-ui .info .title", text -> text.startsWith("Sluice"), "the reference's title");
        browser.textWhen(".swagger-ui", text -> text.contains("/v1/chat/completions") && text.contains("/key/generate"),
                "the documented routes");
        browser.screenshot(SCREENSHOTS.resolve("api-reference.png"));
        String console = browser.console();
        assertFalse(console.contains("SEVERE"), "the reference logged errors (a file it could not load?): " + console);
    }

    private static void logInAsAdmin() {
        openLoggedOut();
        browser.type("#login-key", MASTER_KEY);
        browser.click("#login-with-key");
        browser.find("#keys");
    }

    /** Opens the UI at its login form (the tests share one browser, whose cookie may hold a session). */
    private static void openLoggedOut() {
        browser.open(gateway.uri("/ui"));
        browser.find("#login-key, #keys");
        if (browser.findNow("#keys").isPresent()) {
            browser.click("#logout");
        }
        browser.find("#login-key");
    }

    private static HttpResponse<String> chat(String key) throws Exception {
        return chat(key, CHAT);
    }

    private static HttpResponse<String> chat(String key, String body) throws Exception {
        return gateway.client().send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
