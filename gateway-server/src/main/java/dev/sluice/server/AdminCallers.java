package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.core.auth.ApiKeyHeaders;
import dev.sluice.core.auth.Authenticator;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Who calls an admin or info route: the key in the request's headers, as for every API call;
 * without one, the admin UI's session cookie, whose state-changing calls must also carry the
 * session's CSRF token. Model calls never accept the cookie.
 */
final class AdminCallers {

    private final Authenticator authenticator;
    private final UiSessions sessions;

    AdminCallers(Authenticator authenticator, UiSessions sessions) {
        this.authenticator = authenticator;
        this.sessions = sessions;
    }

    Principal authenticate(ServerRequest req) {
        RequestHeaders headers = new RequestHeaders(req.headers());
        Optional<String> cookie = sessionCookie(req);
        if (cookie.isEmpty() || ApiKeyHeaders.find(headers).isPresent()) {
            return authenticator.authenticate(headers, ModelRoutes.clientAddress(req));
        }
        UiSessions.Session session = sessions.read(cookie.get()).orElseThrow(() -> new GatewayException(
                ErrorKind.AUTHENTICATION, 401, "Your admin UI session has expired or is not valid here. Log in again.",
                null, null, null, null));
        if (!req.prologue().method().equals(Method.GET)
                && !session.csrfToken().equals(headers.first(UiSessions.CSRF_HEADER).orElse(""))) {
            throw new GatewayException(ErrorKind.PERMISSION_DENIED, 403, "This call changes state and lacks the "
                    + "session's CSRF token (" + UiSessions.CSRF_HEADER + "). Reload the admin UI and try again.",
                    null, null, null, null);
        }
        return session.principal();
    }

    static Optional<String> sessionCookie(ServerRequest req) {
        return req.headers().cookies().first(UiSessions.COOKIE).asOptional().filter(value -> !value.isBlank());
    }
}
