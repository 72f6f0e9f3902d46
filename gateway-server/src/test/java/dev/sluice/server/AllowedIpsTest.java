package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static dev.sluice.server.RunningGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code allowed_ips}, with and without trusted proxies; the tests' calls come from 127.0.0.1. */
class AllowedIpsTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    private RunningGateway start(String name, String general) throws Exception {
        return RunningGateway.start(Files.createDirectories(dir.resolve(name)), """
                model_list:
                  - {model_name: m, litellm_params: {model: mock/m}}
                general_settings: {master_key: %s, %s}
                """.formatted(MASTER_KEY, general));
    }

    @Test
    void aCallerNotListedIsRefusedButProbesStillAnswer() throws Exception {
        try (RunningGateway gateway = start("refused", "allowed_ips: [\"10.9.9.9\", \"192.168.0.0/16\"]")) {
            HttpResponse<String> refused = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
            assertEquals(403, refused.statusCode());
            assertEquals("auth_error", json(refused).path("error").path("type").asText());
            assertTrue(json(refused).path("error").path("message").asText().startsWith("Access forbidden: IP address "
                    + "not allowed"), refused.body());
            assertEquals(403, gateway.get("/ui").statusCode(), "every route, the admin UI included");
            assertEquals(200, gateway.get("/health/liveliness").statusCode());
            assertEquals(200, gateway.get("/health/readiness").statusCode());
        }
    }

    @Test
    void aListedAddressOrRangeIsLetIn() throws Exception {
        try (RunningGateway gateway = start("allowed", "allowed_ips: [\"10.9.9.9\", \"127.0.0.0/8\"]")) {
            assertEquals(200, gateway.postWithMasterKey("/v1/chat/completions", CHAT).statusCode());
        }
    }

    @Test
    void forwardedAddressesCountOnlyFromTrustedProxies() throws Exception {
        try (RunningGateway behindProxy = start("proxied",
                "allowed_ips: [\"203.0.113.7\"], trusted_proxies: [\"127.0.0.1\", \"10.0.0.0/8\"]")) {
            assertEquals(200, call(behindProxy, "203.0.113.7").statusCode());
            assertEquals(200, call(behindProxy, "203.0.113.7, 10.1.2.3").statusCode(), "through a chain of proxies");
            assertEquals(403, call(behindProxy, "198.51.100.1").statusCode());
            assertEquals(403, call(behindProxy, "203.0.113.7, 198.51.100.1").statusCode(),
                    "the hop nearest the gateway that is not a trusted proxy is the caller; earlier ones are its claims");
        }
        try (RunningGateway direct = start("direct", "allowed_ips: [\"203.0.113.7\"]")) {
            assertEquals(403, call(direct, "203.0.113.7").statusCode(), "a forwarded address from an untrusted peer");
        }
    }

    private static HttpResponse<String> call(RunningGateway gateway, String forwardedFor) {
        return gateway.post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + MASTER_KEY,
                "X-Forwarded-For", forwardedFor);
    }
}
