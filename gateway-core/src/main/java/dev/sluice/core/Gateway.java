package dev.sluice.core;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.api.AuthStrategy;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.auth.AuthenticationFilter;
import dev.sluice.core.auth.Authenticator;
import dev.sluice.core.budget.BudgetCounters;
import dev.sluice.core.budget.BudgetFilter;
import dev.sluice.core.budget.BudgetResets;
import dev.sluice.core.config.GatewayConfig;
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
import dev.sluice.core.limits.RateLimiter;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.pipeline.Pipeline;
import dev.sluice.core.plugin.PluginHost;
import dev.sluice.core.plugin.PluginStatus;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.routing.Router;
import dev.sluice.core.routing.ServedDeployment;
import dev.sluice.core.routing.SimpleShufflePolicy;
import dev.sluice.core.spend.PriceBook;
import dev.sluice.core.spend.SpendFilter;
import dev.sluice.core.spend.SpendLedger;
import dev.sluice.core.store.Database;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway without its HTTP server: config, plugins, pipeline and router, wired once at
 * start-up. The server turns HTTP requests into {@link ModelRequest}s and calls {@link #call}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final PluginHost plugins;
    private final ObjectMapper json;
    private final Authenticator authenticator;
    private final ModelCatalog catalog;
    private final Pipeline pipeline;
    private final DeploymentHealthCheck healthCheck;
    private final Database database;
    private final Governance governance;
    private final SpendLedger spend;
    private final BudgetResets resets;

    private Gateway(GatewayConfig config, PluginHost plugins, ObjectMapper json, Authenticator authenticator,
                    ModelCatalog catalog, Pipeline pipeline, DeploymentHealthCheck healthCheck, Database database,
                    Governance governance, SpendLedger spend, BudgetResets resets) {
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
        config.notices().forEach(notice -> LOG.warn("Config {}", notice));
        ObjectMapper json = jsonMapper(config.general().maxRequestBytes());
        Database database = Database.open(config.general().databaseUrl(), dataDir);
        SpendLedger spend = new SpendLedger(database, dataDir.resolve("spend-journal.jsonl"), 100_000,
                !config.general().disableSpendLogs()).start();
        PluginHost plugins;
        BudgetResets resets = null;
        try {
            plugins = PluginHost.start(pluginsDir);
        } catch (RuntimeException e) {
            spend.close();
            database.close();
            throw e;
        }
        try {
            ModelCatalog catalog = new ModelCatalog(config.modelList(), plugins.extensions(ProviderAdapter.class));
            for (ServedDeployment unserved : catalog.unserved()) {
                LOG.error("Deployment {} ({} -> {}): {}", unserved.config().deployment().id(),
                        unserved.config().deployment().modelGroup(), unserved.config().deployment().qualifiedModel(),
                        unserved.missingPluginMessage());
            }
            KeyStore keyStore = new KeyStore(database, json);
            KeyService keys = new KeyService(keyStore, Clock.systemUTC());
            CachedKeys virtualKeys = new CachedKeys(keyStore, keys, Ticker.systemTicker());
            List<AuthStrategy> strategies = startStrategies(plugins.extensions(AuthStrategy.class), virtualKeys);
            Authenticator authenticator = new Authenticator(config.general().masterKey(), strategies);
            if (authenticator.open()) {
                LOG.warn("No master_key is set: every caller is let in. Set general_settings.master_key "
                        + "(or LITELLM_MASTER_KEY) before exposing the gateway.");
            }
            Router router = new Router(catalog, new SimpleShufflePolicy(), transport, json, RandomGenerator.getDefault());
            List<GatewayFilter> filters = new ArrayList<>(plugins.extensions(GatewayFilter.class));
            filters.add(new AuthenticationFilter(authenticator));
            Governance governance = Governance.open(keys, database, json, Clock.systemUTC());
            filters.add(new AccessFilter(virtualKeys, governance.directory(Ticker.systemTicker()), catalog.accessGroups()));
            PriceBook prices = PriceBook.shipped(json);
            filters.add(new RateLimitFilter(new RateLimiter(Clock.systemUTC())));
            BudgetCounters budgets = new BudgetCounters();
            resets = new BudgetResets(governance.budgetWindows(), budgets).start();
            filters.add(new BudgetFilter(catalog, prices, budgets));
            filters.add(new SpendFilter(prices, spend, Clock.systemUTC()));
            Pipeline pipeline = new Pipeline(filters, router::route);
            LOG.info("Serving {} model groups ({} deployments) with {} pipeline filters",
                    catalog.groupNames().size(), catalog.deployments().size(), pipeline.filters().size());
            return new Gateway(config, plugins, json, authenticator, catalog, pipeline,
                    new DeploymentHealthCheck(catalog, transport, json), database, governance, spend, resets);
        } catch (RuntimeException e) {
            if (resets != null) {
                resets.close();
            }
            plugins.close();
            spend.close();
            database.close();
            throw e;
        }
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
     * Jackson's default 20 MB string limit is raised to the request size limit.
     */
    static ObjectMapper jsonMapper(long maxRequestBytes) {
        int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(maxRequestBytes, 20_000_000L));
        JsonMapper mapper = JsonMapper.builder().build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build());
        return mapper;
    }

    /** Runs one model call through the pipeline. */
    public ModelResult call(ModelRequest request, GatewayCallContext context) {
        return pipeline.execute(request, context);
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

    /** @return the model groups and deployments */
    public ModelCatalog catalog() {
        return catalog;
    }

    /** @return the database of keys, teams, users, budgets and spend */
    public Database database() {
        return database;
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

    @Override
    public void close() {
        resets.close();
        plugins.close();
        spend.close();
        database.close();
    }
}
