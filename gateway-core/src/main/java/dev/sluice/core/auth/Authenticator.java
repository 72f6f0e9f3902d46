package dev.sluice.core.auth;

import dev.sluice.api.AuthStrategy;
import dev.sluice.api.Credentials;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Headers;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Establishes who is calling, for model calls and for the info and admin routes alike: asks each
 * {@link AuthStrategy} in turn, highest weight first. Without a master key the gateway is open,
 * as LiteLLM's is: every caller is an anonymous admin.
 */
public final class Authenticator {

    /** The caller of a gateway that has no master key. */
    public static final Principal OPEN_ACCESS = new Principal("anonymous", Role.PROXY_ADMIN, Optional.empty(),
            Optional.empty(), Optional.empty(), Set.of(), Map.of());

    private final List<AuthStrategy> strategies;
    private final boolean open;

    /**
     * @param masterKey  the master key, if configured
     * @param strategies further strategies (virtual keys, JWT…) from plugins
     */
    public Authenticator(Optional<Secret> masterKey, List<AuthStrategy> strategies) {
        List<AuthStrategy> all = new ArrayList<>(strategies);
        masterKey.ifPresent(key -> all.add(new MasterKeyAuth(key)));
        all.sort(Comparator.comparingInt(AuthStrategy::weight).reversed());
        this.strategies = List.copyOf(all);
        this.open = masterKey.isEmpty();
    }

    /** @return whether every caller is let in because no master key is set */
    public boolean open() {
        return open;
    }

    /**
     * @return the caller
     * @throws GatewayException 401 when no strategy accepts what the caller presented
     */
    public Principal authenticate(Headers headers, String clientAddress) {
        if (open) {
            return OPEN_ACCESS;
        }
        Optional<Secret> key = ApiKeyHeaders.find(headers);
        Credentials credentials = new Credentials(key, headers, clientAddress);
        for (AuthStrategy strategy : strategies) {
            Optional<Principal> principal = strategy.authenticate(credentials);
            if (principal.isPresent()) {
                return principal.get();
            }
        }
        if (key.isEmpty()) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Authentication Error, no API key passed in. "
                    + "Pass your key as 'Authorization: Bearer <key>'.", null, null, null, null);
        }
        throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Authentication Error, invalid API key. "
                + "Pass a virtual key or the master key as 'Authorization: Bearer <key>'.", null, null, null, null);
    }
}
