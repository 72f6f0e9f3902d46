package com.acme.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.PluginSettings;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.testkit.Deployments;
import dev.sluice.testkit.FakeUpstream;
import dev.sluice.testkit.HttpProviderAdapterContract;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract every HTTP provider plugin passes, plus what is Acme's own. */
class AcmeProviderTest extends HttpProviderAdapterContract {

    private final FakeAcme upstream = new FakeAcme();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return new AcmeProvider();
    }

    @Override
    protected FakeUpstream upstream() {
        return upstream;
    }

    @Override
    protected Deployment deploymentAt(URI upstreamBase) {
        return Deployments.of("acme/rocket-1", upstreamBase.toString(), PROVIDER_KEY);
    }

    @Test
    void systemMessagesGoInAcmesSystemField() {
        var request = chatRequest(false, false);
        request.body().withArray("messages").insertObject(0).put("role", "system").put("content", "Be brief.");
        adapter().chat(request, context());
        String sent = upstream.takeRequest().bodyText();
        assertEquals(true, sent.contains("\"system\":\"Be brief.\"") && sent.contains("\"speaker\":\"user\""), sent);
    }

    @Test
    void everyCallNamesTheApiVersionOfThePluginsSettings() {
        adapter().chat(chatRequest(false, false), context());
        assertEquals(java.util.Optional.of(AcmeProvider.DEFAULT_API_VERSION), upstream.takeRequest().header("acme-version"));
        AcmeProvider configured = new AcmeProvider();
        configured.configure(PluginSettings.of("acme-provider", java.util.Map.of("api_version", "2026-06-01")));
        configured.chat(chatRequest(false, false), context());
        assertEquals(java.util.Optional.of("2026-06-01"), upstream.takeRequest().header("acme-version"));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> configured.configure(
                PluginSettings.of("acme-provider", java.util.Map.of("api_version", "latest"))));
        assertEquals("plugin_settings.acme-provider.api_version: expected a date like 2025-01-01", wrong.getMessage());
    }

    @Test
    void aDeploymentWithoutAKeyIsRefusedAtStartUp() {
        assertThrows(IllegalArgumentException.class,
                () -> adapter().validate(Deployments.of("acme/rocket-1", "http://127.0.0.1:1", null)));
    }

    @Test
    void imagesAreRefusedInWordsThatSayWhy() {
        var request = chatRequest(false, false);
        request.body().withArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "image_url");
        assertEquals(400, assertThrows(GatewayException.class, () -> adapter().chat(request, context())).status());
    }
}
