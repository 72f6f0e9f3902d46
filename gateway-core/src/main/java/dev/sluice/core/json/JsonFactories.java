package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/** How the gateway's JSON factories are built. */
public final class JsonFactories {

    private JsonFactories() {
    }

    /**
     * A JSON factory builder whose parsers and generators reuse buffers from one shared pool:
     * Jackson's default keeps them per thread, and each call runs on a virtual thread of its own,
     * so every call allocated fresh ones.
     */
    public static JsonFactoryBuilder sharedBuffers() {
        return new JsonFactoryBuilder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
    }
}
