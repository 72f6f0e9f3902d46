package dev.sluice.server;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.core.Gateway;
import dev.sluice.core.telemetry.Tracing;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.config.GeneralSettings;
import dev.sluice.core.store.DataRefusal;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
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

    /** The longest request line (method, URI, version) served: LiteLLM's server takes URIs of this size. */
    static final int MAX_REQUEST_LINE = 16 * 1024;
    /** The most header bytes a request may carry. */
    static final int MAX_HEADERS = 32 * 1024;

    private final Gateway gateway;
    private final WebServer server;
    private final RouteTable routeTable;

    private final SlowClients slowClients;
    private final OpenStreams openStreams;
    private final java.util.concurrent.atomic.AtomicBoolean shuttingDown;

    private SluiceServer(Gateway gateway, WebServer server, RouteTable routeTable, SlowClients slowClients,
                         OpenStreams openStreams, java.util.concurrent.atomic.AtomicBoolean shuttingDown) {
        this.slowClients = slowClients;
        this.openStreams = openStreams;
        this.shuttingDown = shuttingDown;
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
            long maxBody = JsonBodyReader.limit(config.general().maxRequestBytes());
            // said only for a limit the config sets: the default (64 MB) is simply held to the heap
            if (maxBody < config.general().maxRequestBytes()
                    && config.general().maxRequestBytes() != GeneralSettings.DEFAULT_MAX_REQUEST_BYTES) {
                LOG.warn("general_settings.max_request_size_mb is {} MB, more than this heap can parse; bodies are "
                        + "limited to {} MB (a sixteenth of -Xmx). Raise -Xmx through JAVA_OPTS to accept larger ones.",
                        config.general().maxRequestBytes() / (1024 * 1024), maxBody / (1024 * 1024));
            }
            GeneralSettings.ServerTimeouts timeouts = config.general().timeouts();
            SlowClients slowClients = new SlowClients(timeouts.requestHeaders(), timeouts.requestBody());
            JsonBodyReader bodies = new JsonBodyReader(gateway.json(), maxBody, slowClients);
            OpenStreams openStreams = new OpenStreams();
            var shuttingDown = new java.util.concurrent.atomic.AtomicBoolean();
            ErrorResponses errors = new ErrorResponses(responses);
            HttpRouting.Builder routing = HttpRouting.builder();
            RouteTable routeTable = new RouteTable();
            new CallerAddresses(config.general()).register(routing, errors);
            HttpRules rules = routeTable.recording(routing);
            new HealthRoutes(gateway, responses, errors, shuttingDown::get).register(rules);
            UiSessions sessions = new UiSessions(config.general().masterKey(), gateway.json(), java.time.Clock.systemUTC());
            AdminCallers callers = new AdminCallers(gateway.authenticator(), gateway.keyDirectory(), sessions,
                    gateway::teamBlocked);
            new InfoRoutes(gateway, responses, errors, callers).register(rules);
            new ModelRoutes(gateway, errors, bodies, openStreams).register(rules);
            new MessagesRoutes(gateway, responses, bodies, openStreams).register(rules);
            new ResponsesRoutes(gateway, responses, errors, bodies, openStreams).register(rules);
            new EndpointRoutes(gateway, responses, errors, bodies).register(rules);
            new FilesAndBatchesRoutes(gateway, responses, errors, bodies).register(rules);
            new MetricsRoutes(gateway, errors).register(rules);
            new UiRoutes(gateway, sessions, callers, responses, errors, environment, bodies).register(rules);
            AdminEndpoints admin = new AdminEndpoints(gateway, responses, errors, rules, callers, bodies);
            new KeyRoutes(gateway.governance(), gateway.json()).register(admin);
            new TeamRoutes(gateway.governance()).register(admin);
            new UserRoutes(gateway.governance(), gateway.json()).register(admin);
            new CustomerRoutes(gateway.governance().customers()).register(admin);
            new BudgetRoutes(gateway.governance().budgets()).register(admin);
            new SpendRoutes(gateway).register(admin);
            new StoredModelRoutes(gateway.storedModels()).register(admin);
            new PluginRoutes(gateway).register(admin);
            new AlertingRoutes(gateway).register(admin);
            new GuardrailRoutes(gateway).register(admin);
            new DocsRoutes(errors).register(rules);
            new PassThroughRoutes(gateway, transport, bodies, errors).register(rules); // last: the gateway's own routes win
            routing.any((req, res) -> errors.send(res, new GatewayException(ErrorKind.NOT_FOUND, 404,
                    "No route for " + req.prologue().method().text() + " " + req.path().path()
                            + ". The model endpoints are /v1/chat/completions, /v1/completions and /v1/embeddings.",
                    null, null, null, null)));
            routing.error(GatewayException.class, (req, res, e) -> errors.send(res, e));
            routing.error(Exception.class, (req, res, e) -> errors.send(res,
                    DataRefusal.asBadRequest(e).orElseGet(() -> ErrorResponses.internal(e))));
            var builder = WebServer.builder()
                    .host(options.host())
                    .port(options.port())
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    // Sluice orders its own shutdown (shutDownGracefully): Helidon's hook would stop the
                    // server while the gateway still drains, and close what draining calls still use
                    .shutdownHook(false)
                    .shutdownGracePeriod(timeouts.shutdownGrace())
                    .maxPayloadSize(maxBody)
                    .directHandlers(new EdgeErrors(errors, maxBody).all())
                    // validatePrologue(false): a query with a bad escape (?x=%zz) is served, as LiteLLM
                    // serves it, instead of an empty 400; the parameters a route reads are checked there
                    .addProtocol(Http1Config.builder().maxPrologueLength(MAX_REQUEST_LINE).maxHeadersSize(MAX_HEADERS)
                            .validatePrologue(false).addReceiveListener(slowClients.listener()).build())
                    .idleConnectionTimeout(timeouts.requestHeaders())
                    .idleConnectionPeriod(Duration.ofSeconds(1))
                    .routing(routing);
            // HTTPS from the gateway itself, for sites without an ingress; HTTP/2 is negotiated
            // (ALPN) with clients that offer it, over TLS or as h2c.
            config.general().serverTls().ifPresent(tls -> builder.tls(io.helidon.common.tls.Tls.builder()
                    .privateKey(Pem.privateKey(tls.keyFile(), "general_settings.ssl_keyfile_path"))
                    .privateKeyCertChain(Pem.certificates(tls.certFile(), "general_settings.ssl_certfile_path"))
                    .build()));
            WebServer server = builder.build().start();
            return new SluiceServer(gateway, server, routeTable, slowClients, openStreams, shuttingDown);
        } catch (RuntimeException e) {
            gateway.close(); // the slow-client sweeper is a daemon thread: it does not hold the JVM
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

    /**
     * What SIGTERM does: readiness answers 503 for {@code shutdown_readiness_delay_seconds} while
     * calls are still served, so load balancers stop sending; then the server stops taking
     * connections and lets the calls and streams in flight finish for up to
     * {@code graceful_shutdown_seconds}; a stream still open a second before that ends with an error
     * event of its own (and its delivered part is charged); then the gateway closes.
     */
    public void shutDownGracefully() {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        GeneralSettings.ServerTimeouts timeouts = gateway.config().general().timeouts();
        LOG.info("Shutting down: readiness answers 503; calls are served for {} s more, then those in flight get up "
                + "to {} s to finish", timeouts.readinessDrain().toSeconds(), timeouts.shutdownGrace().toSeconds());
        Thread streamEnder = null;
        try {
            Thread.sleep(timeouts.readinessDrain().toMillis());
            long endStreamsAfter = Math.max(0, timeouts.shutdownGrace().toMillis() - 1000);
            streamEnder = Thread.ofPlatform().daemon().name("sluice-stream-ender").start(() -> {
                try {
                    openStreams.awaitNone(Duration.ofMillis(endStreamsAfter));
                    if (openStreams.count() > 0) {
                        LOG.warn("Shutting down: ending {} streams still open", openStreams.count());
                        openStreams.endAll();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        if (streamEnder != null) {
            streamEnder.interrupt();
        }
    }

    /** Stops at once: the server (after Helidon's grace for calls in flight), then the gateway. */
    @Override
    public void close() {
        shuttingDown.set(true);
        server.stop();
        slowClients.close();
        gateway.close();
    }
}
