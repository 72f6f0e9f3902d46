package dev.sluice.core.limits;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.core.accounts.RateLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Requests and tokens per minute and calls in flight, per limited account (a key, team, user, team member or customer), in process.
 * Minutes are fixed windows on the clock, as LiteLLM counts them; a refusal says when the window
 * ends. The limiter of a single node, and of every replica while Redis is unreachable.
 */
public final class InProcessRateLimiter implements RateLimiter {

    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** @param clock the time, for the minute windows */
    public InProcessRateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** A call admitted: finish it exactly once with the tokens it used. */
    public final class LocalPermit implements Permit {
        private final Window window;
        private boolean done;
        private final long remainingRequests;
        private final long remainingTokens;
        private final long inFlight;
        private final long admittedIn;

        private LocalPermit(Window window, long remainingRequests, long remainingTokens) {
            this.window = window;
            this.admittedIn = window.minute;
            this.remainingRequests = remainingRequests;
            this.remainingTokens = remainingTokens;
            this.inFlight = window.inFlight;
        }

        @Override
        public long inFlight() {
            return inFlight;
        }

        @Override
        public long remainingRequests() {
            return remainingRequests;
        }

        @Override
        public long remainingTokens() {
            return remainingTokens;
        }

        @Override
        public void cancel() {
            window.lock.lock();
            try {
                if (!done) {
                    done = true;
                    window.inFlight--;
                    if (window.minute == admittedIn) {
                        window.requests--;
                    }
                }
            } finally {
                window.lock.unlock();
            }
        }

        @Override
        public void finish(long tokens) {
            window.lock.lock();
            try {
                if (!done) {
                    done = true;
                    window.inFlight--;
                    window.roll(minute());
                    window.tokens += tokens;
                }
            } finally {
                window.lock.unlock();
            }
        }
    }

    private static final class Window {
        private final ReentrantLock lock = new ReentrantLock();
        private long minute;
        private long requests;
        private long tokens;
        private int inFlight;

        void roll(long now) {
            if (now != minute) {
                minute = now;
                requests = 0;
                tokens = 0;
            }
        }
    }

    @Override
    public Permit admit(String subject, String what, RateLimits limits) {
        Window window = windows.computeIfAbsent(subject, s -> new Window());
        window.lock.lock();
        try {
            long minute = minute();
            window.roll(minute);
            Duration untilNextMinute = Duration.between(clock.instant(), Instant.ofEpochSecond((minute + 1) * 60));
            if (limits.maxParallel().isPresent() && window.inFlight >= limits.maxParallel().get()) {
                throw refused(what + " has " + window.inFlight + " calls in flight, its max_parallel_requests; "
                        + "retry when one finishes.", Duration.ofSeconds(1));
            }
            if (limits.rpm().isPresent() && window.requests >= limits.rpm().get()) {
                throw refused(what + " reached its rpm_limit of " + limits.rpm().get() + " requests this minute.",
                        untilNextMinute);
            }
            if (limits.tpm().isPresent() && window.tokens >= limits.tpm().get()) {
                throw refused(what + " reached its tpm_limit of " + limits.tpm().get() + " tokens this minute.",
                        untilNextMinute);
            }
            window.requests++;
            window.inFlight++;
            return new LocalPermit(window, limits.rpm().map(rpm -> rpm - window.requests).orElse(-1L),
                    limits.tpm().map(tpm -> tpm - window.tokens).orElse(-1L));
        } finally {
            window.lock.unlock();
        }
    }

    private long minute() {
        return clock.instant().getEpochSecond() / 60;
    }

    static GatewayException refused(String message, Duration retryAfter) {
        Duration wait = retryAfter.isNegative() || retryAfter.isZero() ? Duration.ofSeconds(1) : retryAfter;
        return new GatewayException(ErrorKind.RATE_LIMITED, 429, "Rate limit exceeded: " + message, null, null,
                wait, null);
    }
}
