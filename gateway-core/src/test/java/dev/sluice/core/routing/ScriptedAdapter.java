package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A provider for the providers {@code echo}, {@code openai}, {@code anthropic} and {@code gemini}
 * that fails as a test scripts it, per upstream model, and otherwise answers with the deployment
 * it was called for. Streams answer two chunks, the second with usage.
 */
final class ScriptedAdapter implements ProviderAdapter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Deque<GatewayException>> failures = new HashMap<>();
    private final Map<String, Deque<GatewayException>> midStreamFailures = new HashMap<>();
    private final Set<String> alwaysFailing = new java.util.HashSet<>();
    final List<String> calls = new ArrayList<>();
    final List<ObjectNode> bodies = new ArrayList<>();
    RuntimeException fault;

    @Override
    public Set<String> providers() {
        return Set.of("echo", "openai", "anthropic", "gemini");
    }

    @Override
    public void validate(Deployment deployment) {
        if (deployment.providerModel().equals("refused")) {
            throw new IllegalArgumentException("api_base is required for this provider");
        }
    }

    /** The next calls to this upstream model fail with these errors, in order. */
    ScriptedAdapter failNext(String model, GatewayException... errors) {
        failures.computeIfAbsent(model, m -> new ArrayDeque<>()).addAll(List.of(errors));
        return this;
    }

    /** Every call to this upstream model fails with a 500. */
    ScriptedAdapter down(String model) {
        alwaysFailing.add(model);
        return this;
    }

    /** The next stream from this model fails after its first chunk. */
    ScriptedAdapter breakNextStream(String model, GatewayException error) {
        midStreamFailures.computeIfAbsent(model, m -> new ArrayDeque<>()).add(error);
        return this;
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        called(request, context);
        ObjectNode body = JSON.createObjectNode().put("deployment", context.deployment().id())
                .put("model_sent", context.deployment().providerModel()).put("model_asked", request.model());
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        return new ModelResponse(body);
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        called(request, context);
        GatewayException midStream = midStreamFailures.getOrDefault(context.deployment().providerModel(),
                new ArrayDeque<>()).pollFirst();
        String id = context.deployment().id();
        return new ChunkStream() {
            private int sent;

            @Override
            public ChatChunk next() {
                sent++;
                if (sent == 2 && midStream != null) {
                    throw midStream;
                }
                if (sent > 2) {
                    return null;
                }
                ObjectNode chunk = JSON.createObjectNode().put("deployment", id);
                if (sent == 2) {
                    chunk.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
                }
                return new ChatChunk(chunk);
            }

            @Override
            public void close() {
            }
        };
    }

    private void called(ChatRequest request, ProviderContext context) {
        String model = context.deployment().providerModel();
        calls.add(context.deployment().id());
        bodies.add(request.body());
        if (fault != null) {
            throw fault;
        }
        if (alwaysFailing.contains(model)) {
            throw upstream(500);
        }
        GatewayException failure = failures.getOrDefault(model, new ArrayDeque<>()).pollFirst();
        if (failure != null) {
            throw failure;
        }
    }

    /** @return what a provider plugin throws for this upstream status */
    static GatewayException upstream(int status) {
        return switch (status) {
            case 401 -> new GatewayException(ErrorKind.AUTHENTICATION, 401, "bad key", null, null, null, null);
            case 429 -> new GatewayException(ErrorKind.RATE_LIMITED, 429, "slow down", null, null, null, null);
            case 400 -> GatewayException.badRequest("unknown parameter 'foo'", "foo");
            default -> new GatewayException(ErrorKind.UPSTREAM_ERROR, status, "upstream broke", null, null, null, null);
        };
    }

    static GatewayException rateLimited(Duration retryAfter) {
        return new GatewayException(ErrorKind.RATE_LIMITED, 429, "slow down", null, null, retryAfter, null);
    }

    static GatewayException of(ErrorKind kind) {
        return GatewayException.of(kind, kind.name().toLowerCase() + " from upstream");
    }
}
