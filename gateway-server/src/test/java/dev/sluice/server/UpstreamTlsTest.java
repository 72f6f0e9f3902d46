package dev.sluice.server;

import static dev.sluice.server.RunningGateway.MASTER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to upstreams with private certificates: a fake OpenAI upstream serves a self-signed
 * certificate (made with the JDK's keytool at test time), which the gateway refuses by default
 * and accepts with {@code ssl_verify: false}, with {@code ssl_verify: <CA bundle>}, with
 * {@code SSL_CERT_FILE}; one that wants a client certificate gets the deployment's.
 */
class UpstreamTlsTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = """
            {"id":"chatcmpl-tls","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"over TLS"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    @TempDir
    static Path dir;
    static Path serverStore;
    static Path serverCa;
    static Path clientStore;
    static Path clientCert;
    static Path clientKey;

    @BeforeAll
    static void certificates() throws Exception {
        serverStore = TestCertificates.keyPair(dir, "upstream", "CN=127.0.0.1", "ip:127.0.0.1,dns:localhost");
        serverCa = TestCertificates.certificatePem(serverStore, "upstream");
        clientStore = TestCertificates.keyPair(dir, "client", "CN=sluice-client", null);
        clientCert = TestCertificates.certificatePem(clientStore, "client");
        clientKey = TestCertificates.privateKeyPem(clientStore, "client");
    }

    @Test
    void aSelfSignedUpstreamIsRefusedUnlessTrusted() throws Exception {
        try (Upstream upstream = Upstream.start(false)) {
            assertNotEquals(200, call("default", upstream, "", "", Map.of()).statusCode(),
                    "an unknown certificate is refused by default");
            assertEquals(200, call("off", upstream, "litellm_settings: {ssl_verify: false}", "", Map.of()).statusCode());
            assertEquals(200, call("bundle", upstream, "litellm_settings: {ssl_verify: \"" + serverCa + "\"}", "",
                    Map.of()).statusCode());
            assertEquals(200, call("env", upstream, "", "", Map.of("SSL_CERT_FILE", serverCa.toString())).statusCode());
            assertEquals(200, call("per-deployment", upstream, "", ", ssl_verify: \"" + serverCa + "\"", Map.of())
                    .statusCode(), "a deployment's own CA bundle");
        }
    }

    @Test
    void aModelStoredAtRunTimeBringsItsOwnCaBundle() throws Exception {
        try (Upstream upstream = Upstream.start(false);
             RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve("stored")), """
                     general_settings: {master_key: %s, store_model_in_db: true}
                     """.formatted(MASTER_KEY))) {
            HttpResponse<String> added = gateway.postWithMasterKey("/model/new", """
                    {"model_name": "m", "litellm_params": {"model": "openai/gpt-4o-mini", "api_key": "sk-x",
                     "api_base": "https://127.0.0.1:%d/v1", "ssl_verify": "%s"}}
                    """.formatted(upstream.port(), serverCa));
            assertEquals(200, added.statusCode(), added.body());
            HttpResponse<String> answer = gateway.postWithMasterKey("/v1/chat/completions", CHAT);
            assertEquals(200, answer.statusCode(), answer.body());
        }
    }

    @Test
    void anUpstreamThatWantsAClientCertificateGetsTheDeployments() throws Exception {
        try (Upstream upstream = Upstream.start(true)) {
            String trusted = ", ssl_verify: \"" + serverCa + "\"";
            assertNotEquals(200, call("no-cert", upstream, "", trusted, Map.of()).statusCode(),
                    "without a client certificate the handshake fails");
            assertEquals(200, call("mtls", upstream, "", trusted + ", ssl_certfile: \"" + clientCert
                    + "\", ssl_keyfile: \"" + clientKey + "\"", Map.of()).statusCode());
        }
    }

    private static HttpResponse<String> call(String name, Upstream upstream, String settings, String params,
                                             Map<String, String> env) throws Exception {
        try (RunningGateway gateway = RunningGateway.start(Files.createDirectories(dir.resolve(name)), """
                model_list:
                  - model_name: m
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "https://127.0.0.1:%d/v1", api_key: sk-x%s}
                general_settings: {master_key: %s}
                %s
                """.formatted(upstream.port(), params, MASTER_KEY, settings), RunningGateway.DIST_PLUGINS, env)) {
            return gateway.postWithMasterKey("/v1/chat/completions", CHAT);
        }
    }

    /** An HTTPS upstream answering every call with one OpenAI chat completion. */
    private record Upstream(HttpsServer server) implements AutoCloseable {

        static Upstream start(boolean wantClientCertificate) throws Exception {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(TestCertificates.load(serverStore), TestCertificates.PASSWORD.toCharArray());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("client", TestCertificates.load(clientStore).getCertificate("client"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters parameters) {
                    var ssl = context.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(wantClientCertificate);
                    parameters.setSSLParameters(ssl);
                }
            });
            server.createContext("/", exchange -> {
                try (exchange; InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                    byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
            return new Upstream(server);
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
