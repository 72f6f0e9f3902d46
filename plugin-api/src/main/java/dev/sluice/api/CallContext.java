package dev.sluice.api;

import java.time.Instant;
import java.util.Optional;

/**
 * The state of one call as it passes through the pipeline. Shared by every filter of the call;
 * used from one thread at a time.
 */
public interface CallContext {

    /** @return the gateway's id of this call, sent back as {@code x-litellm-call-id} */
    String callId();

    /** @return when the gateway received the request */
    Instant startedAt();

    /** @return the inbound request's headers */
    Headers requestHeaders();

    /** @return the caller's IP address */
    String clientAddress();

    /** @return the caller, once an authentication filter has established it */
    Optional<Principal> principal();

    /** Records the caller; done by the authentication slot. */
    void principal(Principal principal);

    /** Adds a header to the response sent to the client (e.g. rate-limit headers). */
    void responseHeader(String name, String value);

    /** @return a value a filter stored for later stages of this call */
    <T> Optional<T> attribute(Key<T> key);

    /** Stores a value for later stages of this call. */
    <T> void attribute(Key<T> key, T value);

    /**
     * A typed attribute key; compare by identity, so keep keys in constants.
     *
     * @param name a name for debugging
     * @param type the value's type
     * @param <T>  the value's type
     */
    record Key<T>(String name, Class<T> type) {
    }
}
