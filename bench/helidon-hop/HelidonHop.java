import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.time.Duration;

/**
 * The floor under Sluice's cost per call: the same Helidon WebServer and WebClient, configured as
 * the gateway configures them, forwarding the chat body to the upstream and its answer back as
 * bytes, with no JSON, no auth, no governance. What Sluice adds is measured against this hop and
 * against nginx's in one run ({@code bench/helidon-hop/run.sh}).
 */
public final class HelidonHop {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1];
        WebClient client = WebClient.builder().baseUri(upstream)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(false)
                .socketOptions(options -> options.tcpNoDelay(true).socketKeepAlive(true))
                .connectionCacheSize(512).build();
        WebServer.builder().host("127.0.0.1").port(port)
                .routing(routing -> routing.post("/v1/chat/completions", (req, res) -> {
                    byte[] body = req.content().inputStream().readAllBytes();
                    try (HttpClientResponse answer = client.post("/v1/chat/completions")
                            .header(HeaderValues.CONTENT_TYPE_JSON)
                            .header(HeaderNames.AUTHORIZATION, "Bearer sk-mock").submit(body)) {
                        InputStream in = answer.inputStream();
                        byte[] bytes = in.readAllBytes();
                        res.status(answer.status());
                        res.header(HeaderValues.CONTENT_TYPE_JSON);
                        res.send(bytes);
                    }
                }))
                .build().start();
    }
}
