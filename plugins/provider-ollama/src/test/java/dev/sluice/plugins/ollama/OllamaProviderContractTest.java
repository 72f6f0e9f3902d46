package dev.sluice.plugins.ollama;

import dev.sluice.api.Deployment;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeOllama;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;

class OllamaProviderContractTest extends HttpProviderAdapterContract {

    private final FakeOllama upstream = new FakeOllama();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return new OllamaProvider();
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return Deployments.of("ollama_chat/llama3.1:8b", upstreamBase.toString(), PROVIDER_KEY);
    }
}
