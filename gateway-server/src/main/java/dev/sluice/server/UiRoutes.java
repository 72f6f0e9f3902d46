package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Headers;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.Gateway;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin UI at {@code /ui}: its static files (from the admin-ui jar on the class path, held
 * in memory), and its session: {@code POST /ui/login} with the master key, any virtual key, or
 * {@code UI_USERNAME}/{@code UI_PASSWORD}; {@code GET /ui/session} (whether one is logged in, and as whom); {@code POST /ui/logout}. The
 * pages call the public admin API with the session cookie and its CSRF token.
 */
final class UiRoutes {

    private static final List<String> FILES = List.of("index.html", "app.css", "app.js", "common.js", "keys.js",
            "accounts.js", "models.js", "usage.js", "logs.js", "settings.js", "observability.js");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
    private static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "form-action 'self'; base-uri 'none'";

    private final Gateway gateway;
    private final UiSessions sessions;
    private final java.util.function.Consumer<String> announceLogout;
    private final AdminCallers callers;
    private final JsonResponses responses;
    private final ErrorResponses errors;
    private final Optional<String> username;
    private final Optional<String> password;
    private final JsonBodyReader bodies;
    private final Map<String, byte[]> files = new HashMap<>();

    UiRoutes(Gateway gateway, UiSessions sessions, AdminCallers callers, JsonResponses responses, ErrorResponses errors,
             Map<String, String> environment, JsonBodyReader bodies) {
        this.gateway = gateway;
        this.callers = callers;
        this.sessions = sessions;
        this.announceLogout = gateway.shareSessionEnds(sessions::endedElsewhere);
        this.responses = responses;
        this.errors = errors;
        this.username = Optional.ofNullable(environment.get("UI_USERNAME")).filter(value -> !value.isBlank());
        this.password = Optional.ofNullable(environment.get("UI_PASSWORD")).filter(value -> !value.isBlank());
        this.bodies = bodies.limitedTo(64 * 1024);
        for (String file : FILES) {
            try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream("sluice-ui/" + file)) {
                if (in != null) {
                    files.put(file, in.readAllBytes());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the admin UI's " + file, e);
            }
        }
    }

    void register(HttpRules rules) {
        rules.get("/ui", (req, res) -> file(res, "index.html"));
        rules.get("/ui/", (req, res) -> file(res, "index.html"));
        for (String file : FILES) {
            rules.get("/ui/" + file, (req, res) -> file(res, file));
        }
        rules.post("/ui/login", this::login);
        rules.get("/ui/session", this::session);
        rules.post("/ui/logout", this::logout);
    }

    private void file(ServerResponse res, String name) {
        byte[] content = files.get(name);
        if (content == null) {
            errors.send(res, new GatewayException(ErrorKind.NOT_FOUND, 404, "The admin UI is not installed: the "
                    + "sluice-admin-ui jar is missing from the gateway's lib folder.", null, null, null, null));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("Content-Security-Policy", POLICY);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.send(content);
    }

    private void login(ServerRequest req, ServerResponse res) {
        try {
            ObjectNode body = bodies.read(req);
            Principal principal;
            boolean byVirtualKey = false;
            if (body.hasNonNull("key")) {
                String key = body.path("key").asText();
                principal = gateway.authenticator().authenticate(bearer(key), ModelRoutes.clientAddress(req));
                byVirtualKey = gateway.keyDirectory().find(principal.subject()).isPresent();
            } else {
                principal = byPassword(body.path("username").asText(""), body.path("password").asText(""));
            }
            String cookie = sessions.issue(principal, byVirtualKey);
            res.header(HeaderNames.SET_COOKIE, UiSessions.COOKIE + "=" + cookie + "; Path=/; HttpOnly; SameSite=Strict; "
                    + "Max-Age=" + UiSessions.LIFETIME.toSeconds() + (secure(req) ? "; Secure" : ""));
            responses.send(res, describe(principal, sessions.csrfTokenOf(cookie)));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private Principal byPassword(String user, String given) {
        if (username.isEmpty() || password.isEmpty()) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Username and password login is off: set "
                    + "UI_USERNAME and UI_PASSWORD, or log in with the master key.", null, null, null, null);
        }
        boolean userMatches = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                username.get().getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                password.get().getBytes(StandardCharsets.UTF_8));
        if (!userMatches || !passwordMatches) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Wrong username or password.", null, null,
                    null, null);
        }
        return new Principal("ui:" + user, Role.PROXY_ADMIN, Optional.of(user), Optional.empty(), Optional.empty(),
                Set.of(), Map.of());
    }

    private void session(ServerRequest req, ServerResponse res) {
        Optional<UiSessions.Session> session = AdminCallers.sessionCookie(req).flatMap(sessions::read)
                .filter(found -> callers.stillValid(found).isPresent());
        if (session.isEmpty()) { // not an error: the page asks this to know whether to show the login form
            responses.send(res, gateway.json().createObjectNode().put("logged_in", false));
            return;
        }
        responses.send(res, describe(session.get().principal(), session.get().csrfToken()));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        AdminCallers.sessionCookie(req).flatMap(sessions::end).ifPresent(announceLogout);
        res.header(HeaderNames.SET_COOKIE, UiSessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        res.status(Status.OK_200);
        responses.send(res, gateway.json().createObjectNode().put("logged_out", true));
    }

    private ObjectNode describe(Principal principal, String csrfToken) {
        ObjectNode body = gateway.json().createObjectNode()
                .put("logged_in", true)
                .put("user", principal.keyAlias().or(principal::userId).orElse(principal.subject().startsWith("ui:")
                        ? principal.subject().substring(3) : "admin"))
                .put("role", principal.role().name().toLowerCase(java.util.Locale.ROOT))
                .put("csrf_token", csrfToken);
        principal.userId().ifPresent(user -> body.put("user_id", user));
        principal.teamId().ifPresent(team -> body.put("team_id", team));
        return body;
    }

    private static boolean secure(ServerRequest req) {
        return req.isSecure() || "https".equalsIgnoreCase(req.headers().first(HeaderNames.X_FORWARDED_PROTO).orElse(""));
    }

    private static Headers bearer(String key) {
        return new Headers() {
            @Override
            public Optional<String> first(String name) {
                return name.equalsIgnoreCase("authorization") ? Optional.of("Bearer " + key) : Optional.empty();
            }

            @Override
            public List<String> all(String name) {
                return first(name).map(List::of).orElse(List.of());
            }
        };
    }
}
