package dev.sluice.api;

import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * Turns what a caller presented into a {@link Principal}. The gateway asks each strategy in turn,
 * highest {@link #weight()} first, until one recognises the credentials.
 */
public interface AuthStrategy extends ExtensionPoint {

    /** @return a short name for logs, e.g. {@code master-key}, {@code virtual-key} */
    String name();

    /** @return the order among strategies, higher first */
    default int weight() {
        return 0;
    }

    /**
     * Called once, before the first {@link #authenticate}, with the gateway's services: a strategy
     * that judges the gateway's own keys looks them up in {@link HostServices#keys()}.
     *
     * @param host the gateway's services
     * @since 1.1.0
     */
    default void start(HostServices host) {
    }

    /**
     * Must be fast: it runs on every request. Strategies that need a database cache their lookups.
     *
     * @param credentials what the caller presented
     * @return the principal, or empty if these credentials are not this strategy's to judge
     * @throws GatewayException of kind {@link ErrorKind#AUTHENTICATION} (or
     *                          {@link ErrorKind#PERMISSION_DENIED}) to refuse credentials it recognises
     */
    Optional<Principal> authenticate(Credentials credentials);
}
