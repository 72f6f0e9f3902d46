package dev.sluice.api;

import java.util.Locale;

/** The roles of LiteLLM's admin model. The master key is {@link #PROXY_ADMIN}. */
public enum Role {
    /** Everything, including other people's keys and the gateway's settings. */
    PROXY_ADMIN,
    /** Reads everything, changes nothing. */
    PROXY_ADMIN_VIEWER,
    /** Calls models and manages its own keys. */
    INTERNAL_USER,
    /** Calls models and reads its own keys and spend. */
    INTERNAL_USER_VIEWER;

    /** @return the name used in LiteLLM's API, e.g. {@code proxy_admin} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
