package dev.sluice.core.admin;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;

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
