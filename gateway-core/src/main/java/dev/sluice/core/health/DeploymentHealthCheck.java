package dev.sluice.core.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.routing.ServedDeployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls every deployment once, all at the same time, the way LiteLLM's {@code /health} does: a
 * one-token chat, or an embedding or text completion when {@code model_info.mode} says so.
 */
public final class DeploymentHealthCheck {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final ModelCatalog catalog;
    private final HttpTransport transport;
    private final ObjectMapper json;

    /**
     * @param catalog   the deployments
     * @param transport the transport for the calls
     * @param json      the JSON mapper
     */
    public DeploymentHealthCheck(ModelCatalog catalog, HttpTransport transport, ObjectMapper json) {
        this.catalog = catalog;
        this.transport = transport;
        this.json = json;
    }

    /** @return one result per deployment, in config order */
    public List<EndpointHealth> run() {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<String>>> checks = new ArrayList<>();
            for (ServedDeployment served : catalog.deployments()) {
                checks.add(executor.submit(() -> check(served)));
            }
            List<EndpointHealth> results = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Deployment deployment = catalog.deployments().get(i).config().deployment();
                results.add(new EndpointHealth(deployment.modelGroup(), deployment.qualifiedModel(), deployment.id(),
                        deployment.apiBase(), outcome(checks.get(i), deployment)));
            }
            return results;
        }
    }

    private static Optional<String> outcome(Future<Optional<String>> check, Deployment deployment) {
        Duration limit = deployment.timeout().compareTo(LIMIT) < 0 ? deployment.timeout() : LIMIT;
        try {
            return check.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return Optional.of("no answer within " + limit.toSeconds() + " s");
        } catch (ExecutionException e) {
            return Optional.of("health check failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("health check interrupted");
        }
    }

    private Optional<String> check(ServedDeployment served) {
        if (served.adapter().isEmpty()) {
            return Optional.of(served.missingPluginMessage());
        }
        ProviderAdapter adapter = served.adapter().get();
        Deployment deployment = served.config().deployment();
        ProviderContext context = new ProviderContext(deployment, transport, json, "health-" + UUID.randomUUID());
        ObjectNode body = json.createObjectNode().put("model", deployment.providerModel());
        try {
            switch (deployment.modelInfo().path("mode").asText("chat")) {
                case "embedding" -> {
                    body.putArray("input").add("test from sluice");
                    adapter.embed(new EmbeddingRequest(body), context);
                }
                case "completion" -> {
                    body.put("prompt", "test from sluice").put("max_tokens", 1);
                    adapter.complete(new CompletionRequest(body), context);
                }
                default -> {
                    body.putArray("messages").addObject().put("role", "user").put("content", "What's 1 + 1?");
                    body.put("max_completion_tokens", 1);
                    adapter.chat(new ChatRequest(body), context);
                }
            }
            return Optional.empty();
        } catch (GatewayException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            return Optional.of("the provider plugin failed: " + e.getClass().getSimpleName());
        }
    }
}
