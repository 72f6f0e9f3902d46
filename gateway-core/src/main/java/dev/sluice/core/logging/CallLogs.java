package dev.sluice.core.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallLogger;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import dev.sluice.core.config.CallbackConfig;
import dev.sluice.core.config.ObservabilitySettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loggers in effect: one queue and sink per configured callback, opened at start-up from the
 * logger plugins, fed by one pipeline stage ({@link #filter()}).
 */
public final class CallLogs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallLogs.class);

    private final List<SinkQueue> queues;
    private final boolean withMessages;
    private final ObjectMapper json;
    private final Clock clock;

    private CallLogs(List<SinkQueue> queues, boolean withMessages, ObjectMapper json, Clock clock) {
        this.queues = List.copyOf(queues);
        this.withMessages = withMessages;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Opens a sink for each configured callback whose type a logger plugin serves. A callback no
     * plugin serves, or whose settings its plugin refuses, is logged as an error and not served;
     * the gateway starts without it.
     */
    public static CallLogs open(ObservabilitySettings settings, List<CallLogger> plugins, HttpTransport transport,
                                ObjectMapper json, LogOutcomes outcomes, Clock clock) {
        Map<String, CallLogger> byType = new LinkedHashMap<>();
        for (CallLogger plugin : plugins) {
            byType.putIfAbsent(plugin.type(), plugin);
        }
        List<SinkQueue> queues = new ArrayList<>();
        for (CallbackConfig callback : settings.loggers()) {
            CallLogger plugin = byType.get(callback.type());
            if (plugin == null) {
                LOG.error("litellm_settings callback '{}' (type '{}') is not served: no logger plugin has that type; "
                        + "installed: {}", callback.name(), callback.type(), new TreeSet<>(byType.keySet()));
                continue;
            }
            try {
                LogSink sink = plugin.open(new LoggerSetup(callback.name(), new ConfigSection(callback.settingsPath(),
                        callback.settings()), settings.environment(),
                        transport, json));
                queues.add(new SinkQueue(callback, sink, outcomes));
                LOG.info("Logging {} to callback '{}' ({})", new TreeSet<>(callback.events()), callback.name(),
                        callback.type());
            } catch (IllegalArgumentException e) {
                LOG.error("litellm_settings callback '{}' is not served: {}", callback.name(), e.getMessage());
            }
        }
        return new CallLogs(queues, settings.messageLogging(), json, clock);
    }

    /** @return the pipeline stage feeding the loggers, if any logger is in effect */
    public Optional<GatewayFilter> filter() {
        return queues.isEmpty() ? Optional.empty() : Optional.of(new LoggingFilter(this::offer, withMessages, clock));
    }

    /** @return the loggers in effect: name, type, events, batch size and calls waiting; never a setting */
    public ArrayNode describe() {
        ArrayNode list = json.createArrayNode();
        for (SinkQueue queue : queues) {
            CallbackConfig config = queue.config();
            ObjectNode entry = list.addObject().put("name", config.name())
                    .put("type", config.type()).put("batch_size", config.batchSize()).put("queue_depth", queue.depth());
            config.events().stream().sorted().forEach(entry.putArray("event_types")::add);
        }
        return list;
    }

    /** @return each logger's name and the calls waiting in its queue */
    public Map<String, Integer> depths() {
        Map<String, Integer> depths = new LinkedHashMap<>();
        queues.forEach(queue -> depths.put(queue.config().name(), queue.depth()));
        return depths;
    }

    private void offer(EndedCall call) {
        LoggedCalls logged = new LoggedCalls(call, withMessages, json);
        for (SinkQueue queue : queues) {
            queue.offer(logged);
        }
    }

    /** Sends what the queues hold, then closes the sinks. */
    @Override
    public void close() {
        queues.forEach(SinkQueue::close);
    }
}
