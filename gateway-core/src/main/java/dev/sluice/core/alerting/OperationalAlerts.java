package dev.sluice.core.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.api.ByteStream;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.core.routing.Router;
import java.time.Clock;
import dev.sluice.core.config.AlertingSettings;
import dev.sluice.core.pipeline.CallEnd;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * LiteLLM's operational alerts: {@code llm_exceptions} (a call failed upstream), {@code llm_too_slow}
 * (a call took longer than {@code alerting_threshold}), {@code llm_requests_hanging} (a call has had
 * no answer, or a stream no chunk, for that long: a stream still sending is not hanging),
 * {@code cooldown_deployment}, {@code db_exceptions} and {@code outage_alerts} (a deployment failed
 * {@code minor_outage_alert_threshold}, then {@code major_outage_alert_threshold} times within
 * {@code outage_alert_ttl}, as this replica counts); each de-duplicated across replicas within a
 * window (a minute per deployment and error for failures, the threshold for slow calls).
 */
public final class OperationalAlerts implements GatewayFilter, AutoCloseable {

    /** Failures of the upstream or the gateway; a caller's own errors (a bad request, a budget) raise nothing. */
    private static final Set<ErrorKind> UPSTREAM_FAILURES = EnumSet.of(ErrorKind.UPSTREAM_ERROR,
            ErrorKind.UPSTREAM_UNAVAILABLE, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED, ErrorKind.INTERNAL);
    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    private static final Duration DATABASE_WINDOW = Duration.ofMinutes(5);

    private final Alerts alerts;
    private final Duration threshold;
    private final ObjectMapper json;
    private final Clock clock;
    private final AlertingSettings.Outage outage;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> recentFailures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watcher;

    /** A call being served: its model and when it last showed life. */
    private static final class InFlight {
        final String model;
        volatile long lastActivity;

        InFlight(String model, long now) {
            this.model = model;
            this.lastActivity = now;
        }
    }

    /**
     * @param threshold  {@code alerting_threshold}
     * @param outage     when a deployment's failures are an outage
     * @param databaseUp whether the database answers, looked at every check
     */
    public OperationalAlerts(Alerts alerts, Duration threshold, AlertingSettings.Outage outage,
                             BooleanSupplier databaseUp, ObjectMapper json, Clock clock) {
        this.alerts = alerts;
        this.threshold = threshold;
        this.outage = outage;
        this.json = json;
        this.clock = clock;
        this.watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("alert-watch")
                .factory());
        long every = Math.max(1000, Math.min(threshold.toMillis() / 2, 30_000));
        watcher.scheduleWithFixedDelay(() -> watch(databaseUp), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return "operational-alerts";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.OBSERVE;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        String callId = chain.context().callId();
        long started = clock.millis();
        InFlight call = new InFlight(chain.request().model(), started);
        inFlight.put(callId, call);
        Runnable ended = () -> {
            inFlight.remove(callId);
            long took = clock.millis() - started;
            if (took > threshold.toMillis()) {
                String deployment = chain.context().attribute(Router.DEPLOYMENT).map(Deployment::id).orElse("-");
                raise("llm_too_slow", "Medium", "A call to " + call.model + " (deployment " + deployment + ") took "
                        + took / 1000 + " s, more than alerting_threshold " + threshold.toSeconds() + " s",
                        call.model + ":" + deployment, threshold);
            }
        };
        ModelResult result;
        try {
            result = chain.proceed(chain.request());
        } catch (GatewayException e) {
            inFlight.remove(callId);
            failed(call.model, chain.context().attribute(Router.DEPLOYMENT).map(Deployment::id).orElse("-"), e);
            throw e;
        } catch (RuntimeException e) {
            inFlight.remove(callId);
            throw e;
        }
        return switch (result) {
            case ChunkStream stream -> CallEnd.onClose(new ChunkStream() {
                @Override
                public ChatChunk next() {
                    ChatChunk chunk = stream.next();
                    call.lastActivity = clock.millis();
                    return chunk;
                }

                @Override
                public void close() {
                    stream.close();
                }
            }, ended);
            case ByteStream bytes -> CallEnd.onClose(bytes, ended);
            default -> {
                ended.run();
                yield result;
            }
        };
    }

    /** A deployment put into cooldown by the router. */
    public void cooledDown(String deploymentId, long until) {
        raise("cooldown_deployment", "Medium", "Deployment " + deploymentId + " is cooling down after failures; calls "
                + "go to the other deployments of its group until it is back", deploymentId, FAILURE_WINDOW);
    }

    private void failed(String model, String deployment, GatewayException failure) {
        if (!UPSTREAM_FAILURES.contains(failure.kind())) {
            return;
        }
        raise("llm_exceptions", "High", "A call to " + model + " (deployment " + deployment + ") failed: "
                + failure.status() + " " + failure.kind() + ": " + failure.getMessage(),
                model + ":" + deployment + ":" + failure.kind(), FAILURE_WINDOW);
        if (!deployment.equals("-")) {
            countTowardsOutage(model, deployment);
        }
    }

    /** Counts a deployment's failure in the outage window; at each threshold, an outage alert. */
    private void countTowardsOutage(String model, String deployment) {
        long now = clock.millis();
        Deque<Long> failures = recentFailures.computeIfAbsent(deployment, id -> new ArrayDeque<>());
        int count;
        synchronized (failures) {
            while (!failures.isEmpty() && failures.peekFirst() <= now - outage.window().toMillis()) {
                failures.pollFirst();
            }
            if (failures.size() < outage.major()) {
                failures.addLast(now);
            }
            count = failures.size();
        }
        if (count == outage.minor() || count == outage.major()) {
            boolean major = count == outage.major();
            raise("outage_alerts", major ? "High" : "Medium", (major ? "Major" : "Minor") + " outage: deployment "
                    + deployment + " of " + model + " failed " + count + " times in the last "
                    + outage.window().toSeconds() + " s", deployment + ":" + (major ? "major" : "minor"), outage.window());
        }
    }

    private void watch(BooleanSupplier databaseUp) {
        long now = clock.millis();
        inFlight.forEach((callId, call) -> {
            if (now - call.lastActivity > threshold.toMillis()) {
                raise("llm_requests_hanging", "Medium", "Call " + callId + " to " + call.model + " has had no answer for "
                        + (now - call.lastActivity) / 1000 + " s (alerting_threshold " + threshold.toSeconds() + " s)",
                        callId, Duration.ofDays(1));
            }
        });
        try {
            if (!databaseUp.getAsBoolean()) {
                raise("db_exceptions", "High", "The database does not answer: keys are served from memory and spend "
                        + "waits in the journal until it is back", "database", DATABASE_WINDOW);
            }
        } catch (RuntimeException e) {
            // the check itself failed: the next one tries again
        }
    }

    private void raise(String type, String level, String message, String key, Duration window) {
        ObjectNode event = json.createObjectNode().put("event", type).put("event_group", "proxy")
                .put("event_message", message);
        alerts.raise(new Alert(type, level, message, event), key, window);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
