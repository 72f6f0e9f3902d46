package dev.sluice.server;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Call ids, LiteLLM's {@code x-litellm-call-id}: UUIDs of version 7 (RFC 9562), whose first 48
 * bits are the time in milliseconds. Clients see an opaque UUID as before; the spend log, whose
 * key they are, gets them in near-ascending order, so each row is added at the right edge of its
 * B-tree instead of at a random page: 14 µs a row in H2 where random (version 4) ids cost 36 µs
 * (docs/benchmarks.md). They need to be unique, not unguessable: 74 random bits from
 * {@link ThreadLocalRandom}, not the contended {@code SecureRandom} of {@link UUID#randomUUID()}.
 */
final class CallIds {

    private CallIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
