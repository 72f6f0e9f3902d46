package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin UI's pages and session over plain HTTP: the cookie's flags, CSRF, roles, logout. */
class AdminUiSessionTest {

    @TempDir
    static Path dir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dir, """
                model_list:
                  - {model_name: m, litellm_params: {model: mock/m}}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY), RunningGateway.DIST_PLUGINS,
                Map.of("UI_USERNAME", "ops", "UI_PASSWORD", "correct horse battery staple"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void thePagesAreServedWithAContentSecurityPolicy() {
        HttpResponse<String> page = gateway.get("/ui");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        assertTrue(page.body().contains("/ui/app.js"));
        assertEquals(200, gateway.get("/ui/app.css").statusCode());
        HttpResponse<String> app = gateway.get("/ui/app.js");
        assertEquals(200, app.statusCode());
        var imports = java.util.regex.Pattern.compile("from '\\./([a-z]+\\.js)'").matcher(app.body());
        int modules = 0;
        while (imports.find()) {
            HttpResponse<String> module = gateway.get("/ui/" + imports.group(1));
            assertEquals(200, module.statusCode(), imports.group(1) + " is imported but not served");
            assertTrue(module.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
            modules++;
        }
        assertTrue(modules >= 5, "app.js imports the pages' modules");
    }

    @Test
    void aSessionCookieIsHttpOnlyStrictAndHoldsNoKey() {
        HttpResponse<String> login = gateway.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("sluice_session="), setCookie);
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"),
                setCookie);
        String value = cookieValue(login);
        String claims = new String(Base64.getUrlDecoder().decode(value.substring(0, value.indexOf('.'))),
                StandardCharsets.UTF_8);
        assertFalse(claims.contains(MASTER_KEY) || login.body().contains(MASTER_KEY), "the master key leaked: " + claims);
        assertEquals("proxy_admin", json(login).path("role").asText());
        assertFalse(json(login).path("csrf_token").asText().isEmpty());
    }

    @Test
    void aStateChangingCallNeedsTheSessionsCsrfToken() {
        HttpResponse<String> login = gateway.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}");
        String cookie = "sluice_session=" + cookieValue(login);
        String csrf = json(login).path("csrf_token").asText();

        assertEquals(200, gateway.get("/key/list", "Cookie", cookie).statusCode(), "reads need no token");
        HttpResponse<String> forged = gateway.post("/key/generate", "{}", "Cookie", cookie);
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(json(forged).path("error").path("message").asText().contains("CSRF"));
        assertEquals(403, gateway.post("/key/generate", "{}", "Cookie", cookie, "X-CSRF-Token", "guess").statusCode());
        assertEquals(200, gateway.post("/key/generate", "{}", "Cookie", cookie, "X-CSRF-Token", csrf).statusCode());
    }

    @Test
    void modelCallsNeverAcceptTheCookie() {
        String cookie = "sluice_session=" + cookieValue(gateway.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}"));
        assertEquals(401, gateway.post("/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Cookie", cookie).statusCode());
    }

    @Test
    void aTamperedOrMissingSessionIsRefused() {
        String value = cookieValue(gateway.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}"));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"x\",\"role\":\"PROXY_ADMIN\",\"exp\":99999999999999,\"nonce\":\"n\"}".getBytes(StandardCharsets.UTF_8))
                + value.substring(value.indexOf('.'));
        HttpResponse<String> refused = gateway.get("/key/list", "Cookie", "sluice_session=" + forged);
        assertEquals(401, refused.statusCode());
        assertTrue(json(refused).path("error").path("message").asText().contains("Log in again"), refused.body());
        assertFalse(json(gateway.get("/ui/session")).path("logged_in").asBoolean());
        assertFalse(json(gateway.get("/ui/session", "Cookie", "sluice_session=" + forged)).path("logged_in").asBoolean());
        assertEquals(401, gateway.post("/ui/login", "{\"key\":\"sk-wrong\"}").statusCode());
    }

    @Test
    void usernameAndPasswordLogInAsAdmin() {
        assertEquals(401, gateway.post("/ui/login", "{\"username\":\"ops\",\"password\":\"wrong\"}").statusCode());
        HttpResponse<String> login = gateway.post("/ui/login",
                "{\"username\":\"ops\",\"password\":\"correct horse battery staple\"}");
        assertEquals(200, login.statusCode(), login.body());
        assertEquals("ops", json(login).path("user").asText());
        HttpResponse<String> session = gateway.get("/ui/session", "Cookie", "sluice_session=" + cookieValue(login));
        assertEquals("proxy_admin", json(session).path("role").asText());
    }

    @Test
    void aVirtualKeyLogsInWithItsOwnRole() {
        gateway.postWithMasterKey("/user/new", "{\"user_id\":\"dev-1\",\"user_role\":\"internal_user\",\"auto_create_key\":false}");
        String key = json(gateway.postWithMasterKey("/key/generate", "{\"user_id\":\"dev-1\"}")).path("key").asText();
        HttpResponse<String> login = gateway.post("/ui/login", "{\"key\":\"" + key + "\"}");
        assertEquals("internal_user", json(login).path("role").asText(), login.body());
        String cookie = "sluice_session=" + cookieValue(login);
        String csrf = json(login).path("csrf_token").asText();
        assertEquals(403, gateway.post("/team/new", "{\"team_alias\":\"x\"}", "Cookie", cookie, "X-CSRF-Token", csrf)
                .statusCode(), "the API, not the UI, decides what a role may do");
        assertEquals(403, gateway.get("/plugins", "Cookie", cookie).statusCode(), "the plugins are for admins");
    }

    @Test
    void aSessionEndsWhenTheKeyItWasMadeWithIsBlocked() {
        String key = json(gateway.postWithMasterKey("/key/generate", "{}")).path("key").asText();
        HttpResponse<String> login = gateway.post("/ui/login", "{\"key\":\"" + key + "\"}");
        String cookie = "sluice_session=" + cookieValue(login);
        assertEquals(200, gateway.get("/key/info", "Cookie", cookie).statusCode());
        assertEquals(200, gateway.postWithMasterKey("/key/block", "{\"key\":\"" + key + "\"}").statusCode());
        HttpResponse<String> refused = gateway.get("/key/info", "Cookie", cookie);
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(json(refused).path("error").path("message").asText().contains("Log in again"));
        assertFalse(json(gateway.get("/ui/session", "Cookie", cookie)).path("logged_in").asBoolean());
    }

    @Test
    void logoutExpiresTheCookie() {
        HttpResponse<String> logout = gateway.post("/ui/logout", "");
        assertEquals(200, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
    }

    @Test
    void logoutEndsTheSessionEvenForACopyOfItsCookie() {
        String cookie = "sluice_session=" + cookieValue(gateway.post("/ui/login", "{\"key\":\"" + MASTER_KEY + "\"}"));
        assertEquals(200, gateway.get("/key/list", "Cookie", cookie).statusCode());
        assertEquals(200, gateway.post("/ui/logout", "", "Cookie", cookie).statusCode());
        assertEquals(401, gateway.get("/key/list", "Cookie", cookie).statusCode(), "a copied cookie is no longer a session");
        assertFalse(json(gateway.get("/ui/session", "Cookie", cookie)).path("logged_in").asBoolean());
    }

    private static String cookieValue(HttpResponse<String> login) {
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring("sluice_session=".length(), setCookie.indexOf(';'));
    }
}
