package dev.sluice.core.telemetry;

import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics, under LiteLLM's names and labels where LiteLLM has a metric
 * for the same thing, so its dashboards and alerts keep working; the rest are {@code sluice_*}.
 * Latencies are in seconds, in LiteLLM's buckets. {@code docs/metrics.md} lists them all.
 */
public final class GatewayMetrics {

    /** LiteLLM's latency buckets, in seconds. */
    static final double[] LATENCY_BUCKETS = {0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
        3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 15.0, 20.0, 25.0, 30.0, 60.0, 120.0,
        180.0, 240.0, 300.0};

    private static final String[] CALLER = {"end_user", "hashed_api_key", "api_key_alias", "requested_model", "team",
        "team_alias", "user"};
    private static final String[] DEPLOYMENT = {"litellm_model_name", "model_id", "api_base", "api_provider"};

    private final MetricRegistry registry = new MetricRegistry();
    private final MetricRegistry.Counter loggerEvents = registry.counter("sluice_logger_events",
            "Calls a logging callback sent, dropped (its queue was full) or failed to send", "logger", "outcome");
    private final MetricRegistry.Counter alerts = registry.counter("sluice_alerts",
            "Alerts sent, failed, dropped (queue full) or deduplicated (already sent by this or another replica)",
            "alert_type", "channel", "outcome");
    private final MetricRegistry.Counter requests = registry.counter("litellm_proxy_total_requests_metric",
            "Total number of requests made to the proxy server - track number of client side requests",
            with(CALLER, "status_code"));
    private final MetricRegistry.Counter failedRequests = registry.counter("litellm_proxy_failed_requests_metric",
            "Total number of failed responses from proxy - the client did not get a success response from the gateway",
            with(CALLER, "exception_status", "exception_class"));
    private final MetricRegistry.Histogram totalLatency = registry.histogram("litellm_request_total_latency_metric",
            "Total latency (seconds) for a request to the gateway", LATENCY_BUCKETS, with(CALLER, "model"));
    private final MetricRegistry.Histogram upstreamLatency = registry.histogram("litellm_llm_api_latency_metric",
            "Total latency (seconds) for a model's LLM API call", LATENCY_BUCKETS, with(CALLER, "model"));
    private final MetricRegistry.Histogram timeToFirstToken = registry.histogram(
            "litellm_llm_api_time_to_first_token_metric", "Time to first token (seconds) of a streamed call",
            LATENCY_BUCKETS, "model", "hashed_api_key", "api_key_alias", "team", "team_alias");
    private final MetricRegistry.Histogram overhead = registry.histogram("litellm_overhead_latency_metric",
            "Latency (seconds) the gateway added: the call's duration less the wait for upstreams", LATENCY_BUCKETS,
            "model_group", "api_provider", "api_base", "litellm_model_name", "hashed_api_key", "api_key_alias");
    private final MetricRegistry.Counter successfulRequests = registry.counter("litellm_requests_metric",
            "Total number of LLM calls to the gateway that succeeded", "end_user", "hashed_api_key",
            "api_key_alias", "model", "team", "team_alias", "user");
    private final MetricRegistry.Counter spend = registry.counter("litellm_spend_metric", "Total spend (USD) on LLM "
            + "requests", "end_user", "hashed_api_key", "api_key_alias", "model", "team", "team_alias", "user");
    private final MetricRegistry.Counter totalTokens = registry.counter("litellm_total_tokens_metric",
            "Total number of input + output tokens from LLM requests", with(CALLER, "model"));
    private final MetricRegistry.Counter inputTokens = registry.counter("litellm_input_tokens_metric",
            "Total number of input tokens from LLM requests", with(CALLER, "model"));
    private final MetricRegistry.Counter outputTokens = registry.counter("litellm_output_tokens_metric",
            "Total number of output tokens from LLM requests", with(CALLER, "model"));
    private final MetricRegistry.Counter cacheHits = registry.counter("litellm_cache_hits_metric",
            "Total number of calls answered from the response cache", "model", "hashed_api_key", "api_key_alias",
            "team", "team_alias");
    private final MetricRegistry.Counter cacheMisses = registry.counter("litellm_cache_misses_metric",
            "Total number of calls the response cache could not answer", "model", "hashed_api_key", "api_key_alias",
            "team", "team_alias");
    private final MetricRegistry.Counter cachedTokens = registry.counter("litellm_cached_tokens_metric",
            "Total number of tokens answered from the response cache", "model", "hashed_api_key", "api_key_alias",
            "team", "team_alias");
    private final MetricRegistry.Counter deploymentRequests = registry.counter("litellm_deployment_total_requests",
            "LLM Deployment Analytics - Total number of LLM API calls - success + failure",
            with(DEPLOYMENT, "requested_model"));
    private final MetricRegistry.Counter deploymentSuccesses = registry.counter("litellm_deployment_success_responses",
            "LLM Deployment Analytics - Total number of successful LLM API calls", with(DEPLOYMENT, "requested_model"));
    private final MetricRegistry.Counter deploymentFailures = registry.counter("litellm_deployment_failure_responses",
            "LLM Deployment Analytics - Total number of failed LLM API calls; exception_status is the upstream's status",
            with(DEPLOYMENT, "requested_model", "exception_status"));
    private final MetricRegistry.Counter cooledDown = registry.counter("litellm_deployment_cooled_down",
            "LLM Deployment Analytics - Number of times a deployment was cooled down; exception_status is the status "
                    + "of the failure that cooled it", with(DEPLOYMENT, "exception_status"));
    private final MetricRegistry.Counter successfulFallbacks = registry.counter(
            "litellm_deployment_successful_fallbacks", "Number of successful fallback requests from primary model -> "
                    + "fallback model", "requested_model", "fallback_model", "hashed_api_key", "api_key_alias", "team",
            "team_alias", "exception_status", "exception_class");
    private final MetricRegistry.Counter failedFallbacks = registry.counter("litellm_deployment_failed_fallbacks",
            "Number of failed fallback requests from primary model -> fallback model", "requested_model",
            "fallback_model", "hashed_api_key", "api_key_alias", "team", "team_alias", "exception_status",
            "exception_class");
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, BudgetGauge> budgets = new ConcurrentHashMap<>();

    /**
     * @param deploymentStates each deployment's state now: 0 healthy, 1 failing (partial outage),
     *                         2 cooling down (complete outage), by its labels
     */
    public GatewayMetrics(Supplier<Map<List<String>, Double>> deploymentStates) {
        registry.gauge("litellm_deployment_state", "LLM Deployment Analytics - The state of the deployment: "
                + "0 = healthy, 1 = partial outage, 2 = complete outage", deploymentStates, DEPLOYMENT);
        registry.gauge("litellm_in_flight_requests", "Model calls this replica is serving now",
                () -> Map.of(List.of(), (double) inFlight.get()));
        registry.gauge("litellm_remaining_api_key_budget_metric", "Remaining budget (USD) for api key, as of its "
                + "last call here", () -> budgetValues("key", true), "hashed_api_key", "api_key_alias");
        registry.gauge("litellm_api_key_max_budget_metric", "Maximum budget (USD) set for api key",
                () -> budgetValues("key", false), "hashed_api_key", "api_key_alias");
        registry.gauge("litellm_remaining_team_budget_metric", "Remaining budget (USD) for team, as of its last call "
                + "here", () -> budgetValues("team", true), "team", "team_alias");
        registry.gauge("litellm_team_max_budget_metric", "Maximum budget (USD) set for team",
                () -> budgetValues("team", false), "team", "team_alias");
    }

    /**
     * Shows the spend path's state: the journal's bytes not yet in the database, the records the
     * database refused (in the dead-letter file), and whether the database answers.
     */
    public void watchSpend(java.util.function.LongSupplier backlogBytes, java.util.function.LongSupplier quarantined,
                           java.util.function.BooleanSupplier databaseUp) {
        registry.gauge("sluice_spend_journal_backlog_bytes", "Bytes of spend records journalled and not yet written "
                + "to the database", () -> Map.of(List.of(), (double) backlogBytes.getAsLong()));
        registry.gauge("sluice_spend_records_quarantined", "Spend records the database refused, moved to the "
                + "dead-letter file since start", () -> Map.of(List.of(), (double) quarantined.getAsLong()));
        registry.gauge("sluice_database_up", "1 while the database answers, 0 while it is unreachable",
                () -> Map.of(List.of(), databaseUp.getAsBoolean() ? 1.0 : 0.0));
    }

    /** Counts an alert by type, channel and outcome ({@code sluice_alerts_total}). */
    public void alert(String alertType, String channel, String outcome) {
        alerts.add(1, alertType, channel, outcome);
    }

    /** Counts calls a logger sent, dropped or failed to send ({@code sluice_logger_events_total}). */
    public void loggerEvents(String logger, String outcome, int calls) {
        loggerEvents.add(calls, logger, outcome);
    }

    /** @param depths each logger's calls waiting, for {@code sluice_logger_queue_depth} */
    public void watchLoggerQueues(Supplier<Map<String, Integer>> depths) {
        registry.gauge("sluice_logger_queue_depth", "Calls waiting in a logging callback's queue", () -> {
            Map<List<String>, Double> values = new HashMap<>();
            depths.get().forEach((logger, depth) -> values.put(List.of(logger), depth.doubleValue()));
            return values;
        }, "logger");
    }

    /** Counts a call as started: the in-flight gauge. */
    public void started() {
        inFlight.incrementAndGet();
    }

    /** Records a finished call (and takes it out of the in-flight gauge). */
    public void finished(FinishedCall call, List<AccountBudget> charged) {
        inFlight.decrementAndGet();
        String[] caller = callerLabels(call);
        String model = call.deployment().map(Deployment::providerModel).orElse("");
        requests.add(1, with(caller, Integer.toString(call.status())));
        totalLatency.observe(seconds(call.totalNanos()), with(caller, model));
        String key = caller[1];
        String alias = caller[2];
        String team = caller[4];
        String teamAlias = caller[5];
        if (!call.succeeded()) {
            GatewayException failure = call.failure().orElse(null);
            failedRequests.add(1, with(caller, Integer.toString(call.status()),
                    failure == null ? "" : exceptionClass(failure.kind())));
        }
        if (call.deployment().isEmpty()) {
            return; // refused before routing: nothing more to say
        }
        Deployment deployment = call.deployment().get();
        if (call.succeeded()) {
            successfulRequests.add(1, caller[0], key, alias, model, team, teamAlias, caller[6]);
        }
        if (call.cacheHit()) {
            cacheHits.add(1, model, key, alias, team, teamAlias);
            cachedTokens.add(call.usage().totalTokens(), model, key, alias, team, teamAlias);
        } else {
            cacheMisses.add(1, model, key, alias, team, teamAlias);
            upstreamLatency.observe(seconds(call.upstreamNanos()), with(caller, model));
            spend.add(call.cost().doubleValue(), caller[0], key, alias, model, team, teamAlias, caller[6]);
            totalTokens.add(call.usage().totalTokens(), with(caller, model));
            inputTokens.add(call.usage().promptTokens(), with(caller, model));
            outputTokens.add(call.usage().completionTokens(), with(caller, model));
        }
        if (call.firstChunkNanos() >= 0) {
            timeToFirstToken.observe(seconds(call.firstChunkNanos()), model, key, alias, team, teamAlias);
        }
        overhead.observe(seconds(call.overheadNanos()), deployment.modelGroup(), deployment.provider(),
                deployment.apiBase().orElse(""), deployment.qualifiedModel(), key, alias);
        for (AccountBudget budget : charged) {
            rememberBudget(budget, call.cost(), alias, teamAlias);
        }
    }

    /** Records one upstream attempt's outcome. */
    public void attempted(Deployment deployment, String requestedModel, GatewayException failure) {
        String[] labels = with(deploymentLabels(deployment), requestedModel);
        deploymentRequests.add(1, labels);
        if (failure == null) {
            deploymentSuccesses.add(1, labels);
        } else {
            deploymentFailures.add(1, with(labels, Integer.toString(failure.status())));
        }
    }

    /** Records a deployment cooling down after a failure with this status. */
    public void cooledDown(Deployment deployment, int status) {
        cooledDown.add(1, with(deploymentLabels(deployment), Integer.toString(status)));
    }

    /**
     * Records a fallback from the caller's model group to another.
     *
     * @param cause     the failure that made the call fall back
     * @param succeeded whether the fallback group answered
     */
    public void fellBack(String requestedModel, String fallbackModel, Principal caller, String teamAlias,
                         GatewayException cause, boolean succeeded) {
        (succeeded ? successfulFallbacks : failedFallbacks).add(1, requestedModel, fallbackModel, caller.subject(),
                caller.keyAlias().orElse(""), caller.teamId().orElse(""), teamAlias, Integer.toString(cause.status()),
                exceptionClass(cause.kind()));
    }

    /** @return every metric in Prometheus' text format */
    public String scrape() {
        return registry.scrape();
    }

    /** @return the labels of a deployment's series, for {@code litellm_deployment_state} */
    public static List<String> labelsOf(Deployment deployment) {
        return List.of(deploymentLabels(deployment));
    }

    private static String[] deploymentLabels(Deployment deployment) {
        return new String[] {deployment.qualifiedModel(), deployment.id(), deployment.apiBase().orElse(""),
            deployment.provider()};
    }

    private static String[] callerLabels(FinishedCall call) {
        Principal caller = call.caller().orElse(null);
        return new String[] {call.endUser().orElse(""), caller == null ? "" : caller.subject(),
            caller == null ? "" : caller.keyAlias().orElse(""), call.requestedModel().orElse(""),
            caller == null ? "" : caller.teamId().orElse(""), call.teamAlias().orElse(""),
            caller == null ? "" : caller.userId().orElse("")};
    }

    /** LiteLLM names exceptions by OpenAI's SDK classes; these are their names for each kind. */
    static String exceptionClass(ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST, PAYLOAD_TOO_LARGE -> "BadRequestError";
            case AUTHENTICATION -> "AuthenticationError";
            case PERMISSION_DENIED -> "PermissionDeniedError";
            case NOT_FOUND -> "NotFoundError";
            case TIMEOUT -> "Timeout";
            case CONTEXT_WINDOW_EXCEEDED -> "ContextWindowExceededError";
            case CONTENT_POLICY -> "ContentPolicyViolationError";
            case BUDGET_EXCEEDED -> "BudgetExceededError";
            case RATE_LIMITED -> "RateLimitError";
            case UPSTREAM_ERROR -> "APIError";
            case UPSTREAM_UNAVAILABLE -> "ServiceUnavailableError";
            case INTERNAL -> "InternalServerError";
        };
    }

    private void rememberBudget(AccountBudget account, BigDecimal cost, String keyAlias, String teamAlias) {
        int colon = account.accountId().indexOf(':');
        String kind = colon < 0 ? "" : account.accountId().substring(0, colon);
        if (!kind.equals("key") && !kind.equals("team")) {
            return;
        }
        String id = account.accountId().substring(colon + 1);
        BigDecimal max = account.maxBudget();
        BigDecimal remaining = max.subtract(account.spend()).subtract(cost);
        budgets.put(account.accountId(), new BudgetGauge(kind, List.of(id, kind.equals("key") ? keyAlias : teamAlias),
                remaining.doubleValue(), max.doubleValue()));
    }

    private Map<List<String>, Double> budgetValues(String kind, boolean remaining) {
        Map<List<String>, Double> values = new HashMap<>();
        for (BudgetGauge gauge : budgets.values()) {
            if (gauge.kind().equals(kind)) {
                values.put(gauge.labels(), remaining ? gauge.remaining() : gauge.max());
            }
        }
        return values;
    }

    private record BudgetGauge(String kind, List<String> labels, double remaining, double max) {
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String[] with(String[] labels, String... more) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }
}
