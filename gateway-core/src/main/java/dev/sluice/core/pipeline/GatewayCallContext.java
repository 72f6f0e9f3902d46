package dev.sluice.core.pipeline;

import dev.sluice.api.CallContext;
import dev.sluice.api.Headers;
import dev.sluice.api.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The {@link CallContext} of one HTTP call. Used by one thread at a time, as a call is. */
public final class GatewayCallContext implements CallContext {

    private final String callId;
    private final Instant startedAt;
    private final long startNanos;
    private final Headers headers;
    private final String clientAddress;
    private final List<Map.Entry<String, String>> responseHeaders = new ArrayList<>(4);
    private final Map<Key<?>, Object> attributes = new HashMap<>(8);
    private Principal principal;

    /**
     * @param callId        the call's id
     * @param startedAt     when the request arrived
     * @param startNanos    {@link System#nanoTime()} when it arrived, for durations
     * @param headers       the request headers
     * @param clientAddress the caller's IP address
     */
    public GatewayCallContext(String callId, Instant startedAt, long startNanos, Headers headers, String clientAddress) {
        this.callId = Objects.requireNonNull(callId);
        this.startedAt = Objects.requireNonNull(startedAt);
        this.startNanos = startNanos;
        this.headers = Objects.requireNonNull(headers);
        this.clientAddress = Objects.requireNonNull(clientAddress);
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    /** @return {@link System#nanoTime()} when the request arrived */
    public long startNanos() {
        return startNanos;
    }

    @Override
    public Headers requestHeaders() {
        return headers;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public void principal(Principal principal) {
        this.principal = Objects.requireNonNull(principal);
    }

    @Override
    public void responseHeader(String name, String value) {
        responseHeaders.add(Map.entry(name, value));
    }

    /** @return the headers filters asked to add to the response, in order */
    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders;
    }

    @Override
    public <T> Optional<T> attribute(Key<T> key) {
        return Optional.ofNullable(attributes.get(key)).map(key.type()::cast);
    }

    @Override
    public <T> void attribute(Key<T> key, T value) {
        attributes.put(key, value);
    }
}
