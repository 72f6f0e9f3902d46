package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS served by the gateway itself from a PEM certificate and key, HTTP/2 where the client offers it. */
class GatewayTlsTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void httpsWithHttp2ForClientsThatOfferIt() throws Exception {
        Path store = TestCertificates.keyPair(dir, "gateway", "CN=127.0.0.1", "ip:127.0.0.1,dns:localhost");
        Path cert = TestCertificates.certificatePem(store, "gateway");
        Path key = TestCertificates.privateKeyPem(store, "gateway");
        try (RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve("gw")), """
                model_list:
                  - {model_name: m, litellm_params: {model: mock/m}}
                general_settings: {master_key: %s, ssl_certfile_path: "%s", ssl_keyfile_path: "%s"}
                """.formatted(MASTER_KEY, cert, key), RunningGateway.DIST_PLUGINS, Map.of())) {
            assertEquals("https", gateway.server().scheme());
            URI uri = URI.create("https://127.0.0.1:" + gateway.server().port() + "/v1/chat/completions");
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpClient client = HttpClient.newBuilder().version(version)
                        .sslContext(TestCertificates.trusting(store, "gateway")).build();
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + MASTER_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals(version, answer.version(), "the client's offer is taken");
            }
        }
    }

    @Test
    void halfATlsConfigIsRefusedNamingTheMissingKey() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not used");
        var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.sluice.core.config.ConfigException.class,
                () -> dev.sluice.core.config.ConfigLoader.parse("general_settings: {ssl_certfile_path: \"" + cert + "\"}",
                        Map.of()));
        assertTrue(refused.getMessage().contains("ssl_keyfile_path"), refused.getMessage());
    }
}
