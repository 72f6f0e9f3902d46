package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.core.Gateway;
import dev.sluice.core.telemetry.Tracing;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.GatewayConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

/** The running gateway: config, plugins and the Helidon server, started and stopped together. */
public final class SluiceServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SluiceServer.class);

    private final Gateway gateway;
    private final WebServer server;
    private final RouteTable routeTable;

    private SluiceServer(Gateway gateway, WebServer server, RouteTable routeTable) {
        this.gateway = gateway;
        this.server = server;
        this.routeTable = routeTable;
    }

    /**
     * Loads the config, the plugins and starts serving.
     *
     * @param options     where and what to serve
     * @param environment the process environment, for {@code os.environ/} references
     * @return the started server
     * @throws dev.sluice.core.config.ConfigException when the config is invalid
     */
    public static SluiceServer start(ServerOptions options, Map<String, String> environment) {
        GatewayConfig config = ConfigLoader.load(options.config(), environment);
        return start(options, config, Tracing.configured(config.observability()), environment);
    }

    /**
     * As {@link #start(ServerOptions, Map)}, with spans going where the caller says.
     *
     * @param tracing the spans; closed with the server
     */
    public static SluiceServer start(ServerOptions options, Map<String, String> environment, Tracing tracing) {
        return start(options, ConfigLoader.load(options.config(), environment), tracing, environment);
    }

    private static SluiceServer start(ServerOptions options, GatewayConfig config, Tracing tracing,
                                      Map<String, String> environment) {
        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            tracing.close();
            throw new UncheckedIOException("cannot create the data dir " + options.dataDir(), e);
        }
        if (config.observability().jsonLogs()) {
            JsonLogFormatter.install();
        }
        HelidonHttpTransport transport = new HelidonHttpTransport(UpstreamTlsSettings.of(config));
        Gateway gateway = Gateway.start(config, options.pluginsDir(), options.dataDir(), transport, tracing);
        // Models stored at run time may bring TLS settings of their own for their upstreams.
        gateway.catalog().onModelsChanged(models -> {
            try {
                transport.useTls(UpstreamTlsSettings.of(config.upstreamTls(), models));
            } catch (dev.sluice.core.config.ConfigException e) {
                LOG.error("The new models' TLS settings cannot be used ({}); their upstreams keep the previous ones",
                        e.getMessage());
            }
        });
        try {
            JsonResponses responses = new JsonResponses(gateway.json());
            ErrorResponses errors = new ErrorResponses(responses);
            HttpRouting.Builder routing = HttpRouting.builder();
            RouteTable routeTable = new RouteTable();
            new CallerAddresses(config.general()).register(routing, errors);
            HttpRules rules = routeTable.recording(routing);
            new HealthRoutes(gateway, responses, errors).register(rules);
            UiSessions sessions = new UiSessions(config.general().masterKey(), gateway.json(), java.time.Clock.systemUTC());
            AdminCallers callers = new AdminCallers(gateway.authenticator(), gateway.keyDirectory(), sessions);
            new InfoRoutes(gateway, responses, errors, callers).register(rules);
            new ModelRoutes(gateway, errors).register(rules);
            new MessagesRoutes(gateway, responses).register(rules);
            new MetricsRoutes(gateway, errors).register(rules);
            new UiRoutes(gateway, sessions, callers, responses, errors, environment).register(rules);
            AdminEndpoints admin = new AdminEndpoints(gateway, responses, errors, rules, callers);
            new KeyRoutes(gateway.governance(), gateway.json()).register(admin);
            new TeamRoutes(gateway.governance()).register(admin);
            new UserRoutes(gateway.governance(), gateway.json()).register(admin);
            new CustomerRoutes(gateway.governance().customers()).register(admin);
            new BudgetRoutes(gateway.governance().budgets()).register(admin);
            new SpendRoutes(gateway).register(admin);
            new StoredModelRoutes(gateway.storedModels()).register(admin);
            new PluginRoutes(gateway).register(admin);
            new DocsRoutes(errors).register(rules);
            routing.any((req, res) -> errors.send(res, new GatewayException(ErrorKind.NOT_FOUND, 404,
                    "No route for " + req.prologue().method().text() + " " + req.path().path()
                            + ". The model endpoints are /v1/chat/completions, /v1/completions and /v1/embeddings.",
                    null, null, null, null)));
            routing.error(GatewayException.class, (req, res, e) -> errors.send(res, e));
            routing.error(Exception.class, (req, res, e) -> errors.send(res, ErrorResponses.internal(e)));
            var builder = WebServer.builder()
                    .host(options.host())
                    .port(options.port())
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .shutdownGracePeriod(Duration.ofSeconds(5))
                    .routing(routing);
            // HTTPS from the gateway itself, for sites without an ingress; HTTP/2 is negotiated
            // (ALPN) with clients that offer it, over TLS or as h2c.
            config.general().serverTls().ifPresent(tls -> builder.tls(io.helidon.common.tls.Tls.builder()
                    .privateKey(Pem.privateKey(tls.keyFile(), "general_settings.ssl_keyfile_path"))
                    .privateKeyCertChain(Pem.certificates(tls.certFile(), "general_settings.ssl_certfile_path"))
                    .build()));
            WebServer server = builder.build().start();
            return new SluiceServer(gateway, server, routeTable);
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    /** @return {@code https} when the gateway serves TLS itself, else {@code http} */
    public String scheme() {
        return gateway.config().general().serverTls().isPresent() ? "https" : "http";
    }

    /** @return every route served, as {@code METHOD /path} */
    java.util.Set<String> routes() {
        return routeTable.routes();
    }

    /** @return the port the server listens on */
    public int port() {
        return server.port();
    }

    /** @return the gateway behind the server */
    public Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        server.stop();
        gateway.close();
    }
}
