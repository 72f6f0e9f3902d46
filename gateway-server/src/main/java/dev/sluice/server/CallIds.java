package dev.sluice.server;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Call ids in UUID version 4 form, as LiteLLM's {@code x-litellm-call-id}. They need to be unique,
 * not unguessable, so they come from {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}, whose shared {@code SecureRandom} is a point of contention under load.
 */
final class CallIds {

    private CallIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
