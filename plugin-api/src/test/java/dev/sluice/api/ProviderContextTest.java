package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderContextTest {

    private final List<UpstreamRequest> sent = new ArrayList<>();
    private final HttpTransport recording = new HttpTransport() {
        @Override
        public UpstreamResponse send(UpstreamRequest request) {
            sent.add(request);
            return new UpstreamResponse(200, Map.of(), new byte[0]);
        }

        @Override
        public UpstreamStream stream(UpstreamRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    private static Deployment deployment(Map<String, String> extraHeaders) {
        return new Deployment("d1", "group", "acme", "rocket", Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(30), Duration.ofSeconds(30), extraHeaders, JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode());
    }

    @Test
    void theTransportSendsTheDeploymentsExtraHeadersWhicheverPluginCalls() {
        ProviderContext context = new ProviderContext(deployment(Map.of("X-Team", "search", "authorization",
                "Bearer from-extra-headers")), recording, new ObjectMapper(), "call-1");
        context.transport().send(UpstreamRequest.postJson(URI.create("http://upstream/v1"),
                Map.of("Authorization", "Bearer plugin", "Accept", "application/json"), new byte[0],
                Duration.ofSeconds(5)));
        Map<String, String> headers = sent.get(0).headers();
        assertEquals("search", headers.get("X-Team"));
        assertEquals("Bearer from-extra-headers", headers.get("authorization"), "extra_headers win, as in LiteLLM");
        assertEquals(null, headers.get("Authorization"), "one header of a name, not two");
        assertEquals("application/json", headers.get("Accept"));
    }

    @Test
    void withoutExtraHeadersTheTransportIsTheGatewaysOwn() {
        assertSame(recording, new ProviderContext(deployment(Map.of()), recording, new ObjectMapper(), "c").transport());
    }
}
