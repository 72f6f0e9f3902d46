package dev.sluice.core.routing;

import java.time.Duration;

/** Waits before a retry; tests pass one that records the wait and moves a manual clock instead. */
@FunctionalInterface
public interface Pause {

    /** Sleeps the calling (virtual) thread. */
    Pause SLEEP = duration -> Thread.sleep(duration);

    /**
     * @param duration how long to wait
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void await(Duration duration) throws InterruptedException;
}
