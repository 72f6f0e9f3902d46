package dev.sluice.plugins.anthropic;

import dev.sluice.api.Deployment;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeAnthropic;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;

class AnthropicProviderContractTest extends HttpProviderAdapterContract {

    private final FakeAnthropic upstream = new FakeAnthropic();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return new AnthropicProvider();
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return Deployments.of("anthropic/claude-sonnet-4-5", upstreamBase.toString(), PROVIDER_KEY);
    }
}
