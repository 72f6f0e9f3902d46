package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.KeyDirectory;
import dev.sluice.api.Principal;
import dev.sluice.core.auth.ApiKeyHeaders;
import dev.sluice.core.auth.Authenticator;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.util.Optional;

/**
 * Who calls an admin or info route: the key in the request's headers, as for every API call;
 * without one, the admin UI's session cookie, whose state-changing calls must also carry the
 * session's CSRF token. A session made with a virtual key lasts only as long as the key: it is
 * looked up (in the in-process key cache) at every call, so blocking, deleting or expiring the
 * key ends its sessions, and a changed role or model list applies at once. Model calls never
 * accept the cookie.
 */
final class AdminCallers {

    private final Authenticator authenticator;
    private final KeyDirectory keys;
    private final UiSessions sessions;
    private final Clock clock = Clock.systemUTC();
    private final java.util.function.Predicate<String> teamBlocked;

    /** @param teamBlocked whether a team is blocked: its keys may call no route at all, as in LiteLLM */
    AdminCallers(Authenticator authenticator, KeyDirectory keys, UiSessions sessions,
                 java.util.function.Predicate<String> teamBlocked) {
        this.teamBlocked = teamBlocked;
        this.authenticator = authenticator;
        this.keys = keys;
        this.sessions = sessions;
    }

    Principal authenticate(ServerRequest req) {
        Principal caller = caller(req);
        if (caller.teamId().filter(teamBlocked).isPresent()) {
            throw GatewayException.unauthenticated("Authentication Error - team " + caller.teamId().get()
                    + " is blocked. An admin can unblock it with /team/unblock.");
        }
        return caller;
    }

    private Principal caller(ServerRequest req) {
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
        return stillValid(session).orElseThrow(() -> new GatewayException(ErrorKind.AUTHENTICATION, 401, "The key "
                + "you logged in with has been blocked, deleted or has expired. Log in again with a valid key.", null,
                null, null, null));
    }

    /** @return the session's caller as it is now, unless it logged in with a key that is no longer valid */
    Optional<Principal> stillValid(UiSessions.Session session) {
        if (!session.byVirtualKey()) {
            return Optional.of(session.principal());
        }
        return keys.find(session.principal().subject())
                .filter(key -> !key.blocked() && !key.expiredAt(clock.instant()))
                .map(key -> new Principal(key.token(), key.role(), key.keyAlias(), key.userId(), key.teamId(),
                        key.models(), key.metadata()));
    }

    static Optional<String> sessionCookie(ServerRequest req) {
        return req.headers().cookies().first(UiSessions.COOKIE).asOptional().filter(value -> !value.isBlank());
    }
}
