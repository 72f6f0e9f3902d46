package dev.sluice.core;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.api.AuthStrategy;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.Guardrail;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.auth.AuthenticationFilter;
import dev.sluice.core.auth.Authenticator;
import dev.sluice.core.budget.BudgetCounters;
import dev.sluice.core.budget.Budgets;
import dev.sluice.core.budget.FailoverBudgets;
import dev.sluice.core.budget.RedisBudgets;
import dev.sluice.core.budget.BudgetFilter;
import dev.sluice.core.budget.BudgetResets;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.alerting.SpendAlerts;
import dev.sluice.core.guardrails.Guardrails;
import dev.sluice.core.health.DeploymentHealthCheck;
import dev.sluice.core.health.EndpointHealth;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.governance.Governance;
import dev.sluice.core.keys.CachedKeys;
import dev.sluice.api.HostServices;
import dev.sluice.api.KeyDirectory;
import dev.sluice.core.limits.RateLimitFilter;
import dev.sluice.core.limits.FailoverRateLimiter;
import dev.sluice.core.limits.InProcessRateLimiter;
import dev.sluice.core.limits.RateLimiter;
import dev.sluice.core.limits.RedisRateLimiter;
import dev.sluice.core.limits.SharedDeploymentLoad;
import dev.sluice.core.accounts.AccountDirectory;
import dev.sluice.core.shared.ChangeBroadcast;
import dev.sluice.core.shared.SharedRedis;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.pipeline.Pipeline;
import dev.sluice.core.plugin.PluginHost;
import dev.sluice.core.plugin.PluginStatus;
import dev.sluice.core.models.StoredModels;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.routing.Router;
import dev.sluice.core.routing.ServedDeployment;
import dev.sluice.core.routing.Pause;
import dev.sluice.api.CacheBackend;
import dev.sluice.core.cache.CacheFilter;
import dev.sluice.core.cache.TieredCache;
import dev.sluice.core.config.CacheSettings;
import dev.sluice.api.RoutingPolicy;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.json.JsonFactories;
import dev.sluice.core.config.RouterSettings;
import java.util.Optional;
import dev.sluice.core.passthrough.PassThroughCalls;
import dev.sluice.core.spend.CostMapSource;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.core.spend.SpendFilter;
import dev.sluice.core.spend.SpendLedger;
import dev.sluice.core.store.Database;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.nio.file.Path;
import dev.sluice.api.CallContext;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.core.routing.DeploymentLoad;
import dev.sluice.core.telemetry.GatewayMetrics;
import dev.sluice.core.telemetry.RequestLog;
import dev.sluice.core.telemetry.Telemetry;
import dev.sluice.core.telemetry.Tracing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway without its HTTP server: config, plugins, pipeline and router, wired once at
 * start-up. The server turns HTTP requests into {@link ModelRequest}s and calls {@link #call}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How often the plugins folder is scanned for plugins added, replaced or removed. */
    private static final java.time.Duration PLUGIN_SCAN = java.time.Duration.ofSeconds(1);

    private final GatewayConfig config;
    private final PluginHost plugins;
    private final ObjectMapper json;
    private final Authenticator authenticator;
    private final ModelCatalog catalog;
    private final Pipeline pipeline;
    private final DeploymentHealthCheck healthCheck;
    private final Database database;
    private final Governance governance;
    private final AccountDirectory accounts;
    private final Optional<ChangeBroadcast> broadcast;
    private final SpendLedger spend;
    private final BudgetResets resets;
    private final TieredCache cache;
    private final Optional<SharedRedis> shared;
    private final Telemetry telemetry;
    private final StoredModels storedModels;
    private final KeyDirectory keyDirectory;
    private final PassThroughCalls passThrough;
    private final Guardrails guardrails;
    private final Watchers watchers;

    private Gateway(GatewayConfig config, PluginHost plugins, ObjectMapper json, Authenticator authenticator,
                    ModelCatalog catalog, Pipeline pipeline, DeploymentHealthCheck healthCheck, Database database,
                    Governance governance, SpendLedger spend, BudgetResets resets, TieredCache cache,
                    Optional<SharedRedis> shared, Telemetry telemetry, StoredModels storedModels,
                    KeyDirectory keyDirectory, AccountDirectory accounts, Optional<ChangeBroadcast> broadcast,
                    PassThroughCalls passThrough, Guardrails guardrails, Watchers watchers) {
        this.watchers = watchers;
        this.passThrough = passThrough;
        this.guardrails = guardrails;
        this.accounts = accounts;
        this.broadcast = broadcast;
        this.telemetry = telemetry;
        this.keyDirectory = keyDirectory;
        this.storedModels = storedModels;
        this.cache = cache;
        this.shared = shared;
        this.spend = spend;
        this.resets = resets;
        this.config = config;
        this.plugins = plugins;
        this.database = database;
        this.governance = governance;
        this.json = json;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.pipeline = pipeline;
        this.healthCheck = healthCheck;
    }

    /**
     * Loads the plugins and wires the gateway.
     *
     * @param config     the loaded config
     * @param pluginsDir the plugins folder
     * @param dataDir    where the embedded database lives when no {@code database_url} is set
     * @param transport  the HTTP transport handed to provider plugins
     * @return the gateway, ready for calls
     * @throws dev.sluice.core.config.ConfigException when a plugin refuses a deployment's settings
     */
    public static Gateway start(GatewayConfig config, Path pluginsDir, Path dataDir, HttpTransport transport) {
        return start(config, pluginsDir, dataDir, transport, Tracing.configured(config.observability()));
    }

    /**
     * As {@link #start(GatewayConfig, Path, Path, HttpTransport)}, with spans going where the
     * caller says rather than where the config says.
     *
     * @param tracing the spans; closed with the gateway
     */
    public static Gateway start(GatewayConfig config, Path pluginsDir, Path dataDir, HttpTransport transport,
                                Tracing tracing) {
        config.notices().forEach(notice -> LOG.warn("Config {}", notice));
        ObjectMapper json = jsonMapper(config.general().maxRequestBytes());
        Database database = Database.open(config.general().databaseUrl(), dataDir);
        SpendLedger spend = new SpendLedger(database, dataDir.resolve("spend-journal"),
                !config.general().disableSpendLogs()).start();
        PluginHost plugins;
        BudgetResets resets = null;
        TieredCache cache = null;
        Watchers watchers = null;
        Optional<SharedRedis> shared = Optional.empty();
        try {
            plugins = PluginHost.start(pluginsDir, dataDir.resolve("plugins-loaded"), config.pluginSettings());
            Set<String> loadedIds = plugins.plugins().stream().map(PluginStatus::id).collect(Collectors.toSet());
            config.pluginSettings().keySet().stream().filter(id -> !loadedIds.contains(id)).forEach(id -> LOG.warn(
                    "Config plugin_settings.{}: no plugin with that id is in the plugins folder; the settings wait for "
                            + "it (check the Plugin-Id)", id));
        } catch (RuntimeException e) {
            tracing.close();
            spend.close();
            database.close();
            throw e;
        }
        try {
            PriceBook prices = CostMapSource.load(config.modelCostMapUrl(), json);
            prices.usePluginPrices(plugins.prices(json));
            ModelCatalog catalog = new ModelCatalog(config.modelList(), plugins.extensions(ProviderAdapter.class),
                    config.router().modelGroupAliases(), prices);
            for (ServedDeployment unserved : catalog.unserved()) {
                LOG.error("Deployment {} ({} -> {}): {}", unserved.config().deployment().id(),
                        unserved.config().deployment().modelGroup(), unserved.config().deployment().qualifiedModel(),
                        unserved.missingPluginMessage());
            }
            StoredModels storedModels = new StoredModels(database, json, config, catalog, Clock.systemUTC());
            storedModels.reload();
            KeyStore keyStore = new KeyStore(database, json);
            KeyService keys = new KeyService(keyStore, Clock.systemUTC());
            CachedKeys virtualKeys = new CachedKeys(keyStore, keys, Ticker.systemTicker());
            List<AuthStrategy> strategies = startStrategies(plugins.extensions(AuthStrategy.class), virtualKeys);
            Authenticator authenticator = new Authenticator(config.general().masterKey(), strategies);
            if (authenticator.open()) {
                LOG.warn("No master_key is set: every caller is let in. Set general_settings.master_key "
                        + "(or LITELLM_MASTER_KEY) before exposing the gateway.");
            }
            Router router = new Router(catalog, routingPolicy(config.router(), plugins.extensions(RoutingPolicy.class)),
                    config.router(), config.requestTimeout(), transport, json, Clock.systemUTC(),
                    RandomGenerator.getDefault(), Pause.SLEEP);
            List<GatewayFilter> filters = new ArrayList<>(plugins.extensions(GatewayFilter.class));
            filters.add(new AuthenticationFilter(authenticator));
            Governance governance = Governance.open(keys, database, json, Clock.systemUTC());
            AccountDirectory directory = governance.directory(Ticker.systemTicker());
            AccessFilter access = new AccessFilter(virtualKeys, directory, catalog);
            filters.add(access);
            shared = config.sharedRedis().map(SharedRedis::to);
            Optional<ChangeBroadcast> broadcasts = shared.map(ChangeBroadcast::new);
            SharedRedis sharedRedis = shared.orElse(null);
            broadcasts.ifPresent(broadcast -> {
                SharedRedis redis = sharedRedis;
                broadcast.listen(virtualKeys::invalidate, directory::invalidate, router::coolDownElsewhere,
                        storedModels::reload);
                storedModels.onChange(broadcast::modelsChanged);
                router.onCooldown(broadcast::cooledDown);
                // least-busy weighs calls in flight, so it needs every deployment's across replicas
                router.shareLoad(new SharedDeploymentLoad(new RedisRateLimiter(redis, Clock.systemUTC())),
                        config.router().routingStrategy().equals("least-busy"));
                keys.onChange(broadcast::keyChanged);
                governance.onChange(broadcast::accountChanged);
                LOG.info("Sharing rate limits, budgets and changes with the other replicas through Redis at {}",
                        redis.describe());
            });
            RateLimiter localLimits = new InProcessRateLimiter(Clock.systemUTC());
            filters.add(new RateLimitFilter(shared.<RateLimiter>map(redis -> new FailoverRateLimiter(
                    new RedisRateLimiter(redis, Clock.systemUTC()), localLimits)).orElse(localLimits)));
            Budgets localBudgets = new BudgetCounters();
            Budgets budgets = shared.<Budgets>map(redis -> new FailoverBudgets(new RedisBudgets(redis), localBudgets))
                    .orElse(localBudgets);
            resets = new BudgetResets(governance.budgetWindows(), budgets).start();
            filters.add(new BudgetFilter(catalog, router.fallbacks(), prices, budgets, config.budgetExceededStatus()));
            filters.add(new SpendFilter(prices, spend, Clock.systemUTC()));
            PassThroughCalls passThrough = new PassThroughCalls(access, budgets, config.budgetExceededStatus(), spend,
                    prices, Clock.systemUTC());
            cache = cacheTiers(config.cache(), plugins.extensions(CacheBackend.class));
            if (cache.enabled()) {
                filters.add(new CacheFilter(cache, config.cache(), catalog, json, Clock.systemUTC()));
            }
            Telemetry telemetry = telemetry(config, catalog, tracing);
            watchers = Watchers.open(config, plugins, shared, transport, json, telemetry.metrics(), router, database);
            watchers.filters().forEach(filters::add);
            Guardrails guardrails = Guardrails.open(config.guardrails(), plugins.extensions(Guardrail.class),
                    config.observability().environment(), transport, json);
            guardrails.filter().ifPresent(filters::add);
            spend.watch(new SpendAlerts(watchers.alerts(), json));
            telemetry.metrics().watchSpend(spend::backlogBytes, spend::quarantined, database::available);
            router.observe(tracing, attemptMetrics(telemetry.metrics()));
            Pipeline pipeline = new Pipeline(telemetry.traced(filters), telemetry.traced(router::route));
            LOG.info("Serving {} model groups ({} deployments) with {} pipeline filters",
                    catalog.groupNames().size(), catalog.deployments().size(), pipeline.filters().size());
            plugins.watch(PLUGIN_SCAN, catalog::replaceAdapters, () -> prices.usePluginPrices(plugins.prices(json)));
            if (shared.isPresent()) {
                storedModels.refreshEvery(java.time.Duration.ofSeconds(30)); // in case a change message was lost
            }
            return new Gateway(config, plugins, json, authenticator, catalog, pipeline,
                    new DeploymentHealthCheck(catalog, transport, json), database, governance, spend, resets, cache, shared,
                    telemetry, storedModels, virtualKeys, directory, broadcasts, passThrough, guardrails, watchers);
        } catch (RuntimeException e) {
            tracing.close();
            if (watchers != null) {
                watchers.close();
            }
            shared.ifPresent(SharedRedis::close);
            if (cache != null) {
                cache.close();
            }
            if (resets != null) {
                resets.close();
            }
            plugins.close();
            spend.close();
            database.close();
            throw e;
        }
    }

    /** Counts the router's attempts, cooldowns and fallbacks in the metrics. */
    private static Router.AttemptObserver attemptMetrics(GatewayMetrics metrics) {
        return new Router.AttemptObserver() {
            @Override
            public void attempted(Deployment deployment, String requestedModel, GatewayException failure) {
                metrics.attempted(deployment, requestedModel, failure);
            }

            @Override
            public void cooledDown(Deployment deployment, int status) {
                metrics.cooledDown(deployment, status);
            }

            @Override
            public void fellBack(String from, String to, CallContext context, GatewayException cause, boolean succeeded) {
                context.principal().ifPresent(caller -> metrics.fellBack(from, to, caller,
                        context.attribute(AccessFilter.TEAM_ALIAS).orElse(""), cause, succeeded));
            }
        };
    }

    /** Metrics with each deployment's state read from its load, the request log and the spans. */
    private static Telemetry telemetry(GatewayConfig config, ModelCatalog catalog, Tracing tracing) {
        GatewayMetrics metrics = new GatewayMetrics(() -> {
            long now = System.currentTimeMillis();
            Map<List<String>, Double> states = new HashMap<>();
            for (ServedDeployment served : catalog.deployments()) {
                DeploymentLoad load = served.load();
                double state = load.cooling(now) ? 2 : load.failedThisMinute(now) ? 1 : 0;
                states.put(GatewayMetrics.labelsOf(served.config().deployment()), state);
            }
            return states;
        });
        if (tracing.on()) {
            LOG.info("Tracing calls with OpenTelemetry");
        }
        return new Telemetry(tracing, metrics, new RequestLog(config.observability().jsonLogs()));
    }

    /**
     * The response cache's tiers: the {@code local} cache plugin in front, and for
     * {@code cache_params.type: redis} the {@code redis} plugin behind it (alone with
     * {@code local_tier: false}), each configured with {@code cache_params}. Without
     * {@code cache: true}, none.
     */
    private static TieredCache cacheTiers(CacheSettings settings, List<CacheBackend> backends) {
        if (!settings.enabled()) {
            return new TieredCache(Optional.empty(), Optional.empty());
        }
        Optional<CacheBackend> local = settings.localTier() ? backend(backends, "local", settings) : Optional.empty();
        Optional<CacheBackend> shared = settings.type().equals("redis") ? backend(backends, "redis", settings)
                : Optional.empty();
        if (local.isEmpty() && shared.isEmpty()) {
            LOG.warn("cache: true, but no cache plugin is loaded: answers are not cached. Put cache-local (and "
                    + "cache-redis for type: redis) in the plugins folder.");
        } else {
            LOG.info("Caching answers for {} s in {}", settings.ttl().toSeconds(),
                    local.isEmpty() ? "Redis" : shared.isPresent() ? "process memory, then Redis" : "process memory");
        }
        return new TieredCache(local, shared);
    }

    private static Optional<CacheBackend> backend(List<CacheBackend> backends, String type, CacheSettings settings) {
        Optional<CacheBackend> backend = backends.stream().filter(candidate -> type.equals(candidate.type())).findFirst();
        if (backend.isEmpty() && type.equals("redis")) {
            throw new ConfigException("litellm_settings.cache_params.type", "redis needs the cache-redis plugin in the "
                    + "plugins folder");
        }
        try {
            backend.ifPresent(cache -> cache.configure(settings.params()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("litellm_settings.cache_params", e.getMessage());
        }
        return backend;
    }

    /**
     * The routing policy plugin that {@code routing_strategy} names. Without it a strategy that
     * was asked for stops start-up; the default one, if missing, leaves each call to the first
     * deployment of its group that can take it (failover still works).
     */
    private static Optional<RoutingPolicy> routingPolicy(RouterSettings settings, List<RoutingPolicy> loaded) {
        String strategy = settings.routingStrategy();
        Optional<RoutingPolicy> policy = loaded.stream().filter(candidate -> strategy.equals(candidate.name())).findFirst();
        if (policy.isEmpty()) {
            String plugin = "routing-" + strategy.replace("-based-routing", "").replace("-routing", "");
            String names = loaded.stream().map(RoutingPolicy::name).sorted().toList().toString();
            if (!strategy.equals(RouterSettings.defaults().routingStrategy())) {
                throw new ConfigException("router_settings.routing_strategy", "no loaded plugin provides '" + strategy
                        + "' (loaded: " + names + "); put the " + plugin + " plugin in the plugins folder");
            }
            LOG.warn("No loaded plugin provides routing strategy '{}' (loaded: {}): each call goes to the first "
                    + "deployment of its group that can take it. Put the {} plugin in the plugins folder.",
                    strategy, names, plugin);
            return policy;
        }
        try {
            policy.get().configure(settings.routingStrategyArgs());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("router_settings.routing_strategy_args", e.getMessage());
        }
        LOG.info("Routing with {}", strategy);
        return policy;
    }

    /** Lends the auth plugins the gateway's key directory, and says so when none judges virtual keys. */
    private static List<AuthStrategy> startStrategies(List<AuthStrategy> strategies, KeyDirectory keys) {
        HostServices host = new HostServices() {
            @Override
            public KeyDirectory keys() {
                return keys;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }
        };
        strategies.forEach(strategy -> strategy.start(host));
        if (strategies.stream().noneMatch(strategy -> "virtual-key".equals(strategy.name()))) {
            LOG.warn("No auth plugin judges virtual keys (sk-...): only the master key is accepted. Put the "
                    + "auth-virtual-keys plugin in the plugins folder.");
        }
        return strategies;
    }

    /**
     * The gateway's JSON mapper. Strings may be as long as a whole request (base64 images), so
     * Jackson's default 20 MB string limit is raised to the request size limit; buffers are pooled
     * ({@link JsonFactories#sharedBuffers()}).
     */
    static ObjectMapper jsonMapper(long maxRequestBytes) {
        int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(maxRequestBytes, 20_000_000L));
        return JsonMapper.builder(JsonFactories.sharedBuffers()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build()).build()).build();
    }

    /** Runs one model call through the pipeline. */
    public ModelResult call(ModelRequest request, GatewayCallContext context) {
        return pipeline.execute(request, context);
    }

    /** @return the loggers and alerts in effect */
    public Watchers watchers() {
        return watchers;
    }

    /** @return the configured guardrails */
    public Guardrails guardrails() {
        return guardrails;
    }

    /** @return metrics, spans, the request log, loggers and alerts */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** Calls every deployment once. */
    public List<EndpointHealth> checkDeployments() {
        return healthCheck.run();
    }

    /** @return the loaded config */
    public GatewayConfig config() {
        return config;
    }

    /** @return the gateway's JSON mapper */
    public ObjectMapper json() {
        return json;
    }

    /** @return the authenticator, for routes outside the model pipeline */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** @return the virtual keys by token, from the in-process cache (changes reach it at once) */
    public KeyDirectory keyDirectory() {
        return keyDirectory;
    }

    /** @return the models added through the API */
    public StoredModels storedModels() {
        return storedModels;
    }

    /** @return the model groups and deployments */
    public ModelCatalog catalog() {
        return catalog;
    }

    /** @return the database of keys, teams, users, budgets and spend */
    public Database database() {
        return database;
    }

    /** @return the governance of calls forwarded untranslated (pass-through routes) */
    public PassThroughCalls passThrough() {
        return passThrough;
    }

    /** @return where spend is written */
    public SpendLedger spend() {
        return spend;
    }

    /** @return keys, teams, users, customers and budget tiers, for the admin API */
    public Governance governance() {
        return governance;
    }

    /** @return the plugins found and what became of them */
    public List<PluginStatus> plugins() {
        return plugins.plugins();
    }

    /**
     * Ends admin UI sessions on every replica: this one's logouts are announced to the others
     * (through Redis, when replicas share one), theirs are handed to the listener.
     *
     * @param endedElsewhere ends a session another replica logged out, by its id
     * @return announces a logout made through this replica
     */
    public java.util.function.Consumer<String> shareSessionEnds(java.util.function.Consumer<String> endedElsewhere) {
        broadcast.ifPresent(b -> b.onSessionEnded(endedElsewhere));
        return id -> broadcast.ifPresent(b -> b.sessionEnded(id));
    }

    /**
     * @return whether the team is blocked, from the same in-process cache as model calls (a team
     *         that does not exist is not blocked)
     */
    public boolean teamBlocked(String teamId) {
        return accounts.row("team", teamId).map(team -> team.path("blocked").asBoolean()).orElse(false);
    }

    /** @return whether the Redis shared by the replicas answers a probe now, empty when there is none */
    public Optional<Boolean> sharedStateHealthy() {
        return shared.map(SharedRedis::probe);
    }

    /** @return whether the shared cache answers, empty when there is none */
    public Optional<Boolean> sharedCacheHealthy() {
        return cache.sharedHealthy();
    }

    @Override
    public void close() {
        watchers.close();
        storedModels.close();
        telemetry.close();
        cache.close();
        shared.ifPresent(SharedRedis::close);
        resets.close();
        plugins.close();
        spend.close();
        database.close();
    }
}
