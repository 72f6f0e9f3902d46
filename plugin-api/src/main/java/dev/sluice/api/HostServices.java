package dev.sluice.api;

import java.time.Clock;

/**
 * What the gateway lends its plugins' strategies at start-up ({@link AuthStrategy#start}): its
 * stores, read through its caches, and its clock.
 *
 * @since 1.1.0
 */
public interface HostServices {

    /** @return the gateway's virtual keys */
    KeyDirectory keys();

    /** @return the gateway's clock (tests run it by hand) */
    Clock clock();
}
