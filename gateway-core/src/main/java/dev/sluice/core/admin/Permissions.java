package dev.sluice.core.admin;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import java.util.Optional;

/** Who may do what on the admin API, and the errors that say so. */
public final class Permissions {

    private Permissions() {
    }

    /** @return whether the caller may read everything (proxy_admin or proxy_admin_viewer) */
    public static boolean isAdmin(Principal caller) {
        return caller.role() == Role.PROXY_ADMIN || caller.role() == Role.PROXY_ADMIN_VIEWER;
    }

    /** @throws GatewayException 403 unless the caller is proxy_admin */
    public static void requireAdmin(Principal caller, String action) {
        if (caller.role() != Role.PROXY_ADMIN) {
            throw forbidden("Only an admin (proxy_admin) may " + action + "; your role is "
                    + caller.role().wireName() + ".");
        }
    }

    /** @throws GatewayException 403 unless the caller is proxy_admin or proxy_admin_viewer */
    public static void requireAdminReader(Principal caller, String what) {
        if (!isAdmin(caller)) {
            throw forbidden("Only an admin (proxy_admin or proxy_admin_viewer) may read " + what + "; your role is "
                    + caller.role().wireName() + ".");
        }
    }

    /**
     * @return who did a change, as {@code created_by}/{@code updated_by} show it: the caller's
     *         user, else the master key or the UI login by name; never a key's hash, which
     *         means nothing to a reader (a key of no user leaves it empty)
     */
    public static Optional<String> actor(Principal caller) {
        if (caller.userId().isPresent()) {
            return caller.userId();
        }
        // a virtual key's subject is its SHA-256 in hex (keys.VirtualKeys, which depends on this package)
        boolean keyHash = caller.subject().length() == 64
                && caller.subject().chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        return keyHash ? Optional.empty() : Optional.of(caller.subject());
    }

    /** @return a 403 with this message */
    public static GatewayException forbidden(String message) {
        return new GatewayException(ErrorKind.PERMISSION_DENIED, 403, message, null, null, null, null);
    }

    /**
     * @param what  the kind of thing, e.g. {@code Team}
     * @param id    which one
     * @param param the field that named it
     * @param hint  where to find the right one, e.g. {@code list them with /team/list}
     * @return a 404 saying so
     */
    public static GatewayException notFound(String what, String id, String param, String hint) {
        return new GatewayException(ErrorKind.NOT_FOUND, 404, what + " not found: " + id + ". Check it, or " + hint
                + ".", param, null, null, null);
    }
}
