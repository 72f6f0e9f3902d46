package dev.sluice.plugins.gemini;

import dev.sluice.api.Deployment;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeGemini;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;

class GeminiProviderContractTest extends HttpProviderAdapterContract {

    private final FakeGemini upstream = new FakeGemini();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return new GeminiProvider();
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return Deployments.of("gemini/gemini-2.5-flash", upstreamBase.toString(), PROVIDER_KEY);
    }
}
