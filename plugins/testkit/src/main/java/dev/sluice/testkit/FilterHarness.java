package dev.sluice.testkit;

import dev.sluice.api.CallContext;
import dev.sluice.api.FilterChain;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.Headers;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs {@link GatewayFilter}s through the same {@link FilterChain} as the gateway, in front of an
 * answer the test supplies, so a filter plugin can be tested without a gateway.
 */
public final class FilterHarness {

    private final List<GatewayFilter> filters;
    private final Map<String, List<String>> headers = new HashMap<>();
    private Function<ModelRequest, ModelResult> upstream = request -> {
        throw new AssertionError("the harness has no answer: call answering(...)");
    };
    private final List<ModelRequest> forwarded = new ArrayList<>();
    private TestContext lastContext;

    private FilterHarness(List<GatewayFilter> filters) {
        this.filters = filters;
    }

    /** @return a harness running the given filters in the given order */
    public static FilterHarness of(GatewayFilter... filters) {
        return new FilterHarness(List.of(filters));
    }

    /** Sets what the end of the chain answers. */
    public FilterHarness answering(Function<ModelRequest, ModelResult> answer) {
        this.upstream = Objects.requireNonNull(answer);
        return this;
    }

    /** Adds an inbound request header. */
    public FilterHarness header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        return this;
    }

    /**
     * Runs the chain for one request, exactly as the gateway runs its pipeline.
     *
     * @throws dev.sluice.api.GatewayException as the gateway would, e.g. for a filter returning null
     */
    public ModelResult call(ModelRequest request) {
        lastContext = new TestContext(headers);
        return new FilterChain(filters, (last, context) -> {
            forwarded.add(last);
            return upstream.apply(last);
        }).execute(request, lastContext);
    }

    /** @return the requests that reached the end of the chain, in order */
    public List<ModelRequest> forwarded() {
        return List.copyOf(forwarded);
    }

    /** @return the context of the last call */
    public TestContext lastContext() {
        return lastContext;
    }

    /** A plain {@link CallContext} whose response headers a test can read. */
    public static final class TestContext implements CallContext {
        private final Map<String, List<String>> headers;
        private final Map<String, String> responseHeaders = new LinkedHashMap<>();
        private final Map<Key<?>, Object> attributes = new HashMap<>();
        private Principal principal;

        TestContext(Map<String, List<String>> headers) {
            this.headers = Map.copyOf(headers);
        }

        @Override
        public String callId() {
            return "call-harness";
        }

        @Override
        public Instant startedAt() {
            return Instant.EPOCH;
        }

        @Override
        public Headers requestHeaders() {
            return new Headers() {
                @Override
                public Optional<String> first(String name) {
                    return all(name).stream().findFirst();
                }

                @Override
                public List<String> all(String name) {
                    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
                }
            };
        }

        @Override
        public String clientAddress() {
            return "127.0.0.1";
        }

        @Override
        public Optional<Principal> principal() {
            return Optional.ofNullable(principal);
        }

        @Override
        public void principal(Principal principal) {
            this.principal = principal;
        }

        @Override
        public void responseHeader(String name, String value) {
            responseHeaders.put(name, value);
        }

        /** @return the response headers filters added */
        public Map<String, String> responseHeaders() {
            return Map.copyOf(responseHeaders);
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
}
