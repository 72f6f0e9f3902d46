package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One logging callback, as LiteLLM configures it: named in {@code litellm_settings.callbacks}
 * (both events), {@code success_callback} or {@code failure_callback}, with its settings under
 * {@code callback_settings.<name>}.
 *
 * @param name          the callback's name
 * @param type          {@code callback_settings.<name>.callback_type}, else the name itself
 * @param events        {@code llm_api_success} and/or {@code llm_api_failure}
 * @param settings      its {@code callback_settings} entry, else LiteLLM's {@code litellm_settings.<type>_callback_params}
 *                      (e.g. {@code s3_callback_params}), environment references resolved
 * @param settingsPath  where the settings are in {@code config.yaml}, for errors naming a setting
 * @param batchSize     {@code batch_size}: the most calls handed to the sink at once
 * @param flushInterval {@code flush_interval} (seconds): the longest a call waits for its batch to fill
 * @param queueSize     {@code queue_size}: calls held while the sink is busy; past it calls are dropped, counted
 */
public record CallbackConfig(String name, String type, Set<String> events, ObjectNode settings, String settingsPath,
                             int batchSize, Duration flushInterval, int queueSize) {

    /** LiteLLM's event type of an answered call. */
    public static final String SUCCESS = "llm_api_success";
    /** LiteLLM's event type of a failed call. */
    public static final String FAILURE = "llm_api_failure";
    private static final Set<String> BUILT_IN = Set.of("otel", "opentelemetry", "prometheus");

    /** Copies the collections. */
    public CallbackConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        events = Set.copyOf(events);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(flushInterval, "flushInterval");
    }

    /** @return the loggers the configuration names; the built-in {@code otel} and {@code prometheus} are not */
    static List<CallbackConfig> read(ConfigNode litellm, ConfigNode callbackSettings) {
        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (String field : List.of("callbacks", "success_callback", "failure_callback")) {
            for (ConfigNode callback : litellm.get(field).list()) {
                String name = callback.requiredText("a callback name");
                Set<String> events = named.computeIfAbsent(name, n -> new LinkedHashSet<>());
                if (!field.equals("failure_callback")) {
                    events.add(SUCCESS);
                }
                if (!field.equals("success_callback")) {
                    events.add(FAILURE);
                }
            }
        }
        List<CallbackConfig> loggers = new ArrayList<>();
        named.forEach((name, events) -> {
            if (!BUILT_IN.contains(name)) {
                loggers.add(of(name, events, callbackSettings.get(name), litellm));
            }
        });
        return List.copyOf(loggers);
    }

    private static CallbackConfig of(String name, Set<String> listed, ConfigNode entry, ConfigNode litellm) {
        String type = entry.get("callback_type").text().orElse(name);
        ConfigNode params = litellm.get(type.replaceFirst("_v[0-9]+$", "") + "_callback_params");
        ObjectNode settings = entry.isAbsent() && !params.isAbsent() ? params.object() : entry.object();
        String settingsPath = entry.isAbsent() && !params.isAbsent() ? params.path() : "callback_settings." + name;
        Set<String> events = new LinkedHashSet<>(listed);
        List<ConfigNode> asked = entry.get("event_types").list();
        if (!asked.isEmpty()) {
            Set<String> only = new LinkedHashSet<>();
            for (ConfigNode event : asked) {
                String value = event.requiredText("llm_api_success or llm_api_failure");
                if (!value.equals(SUCCESS) && !value.equals(FAILURE)) {
                    throw event.invalid("expected llm_api_success or llm_api_failure, got '" + value + "'");
                }
                only.add(value);
            }
            events.retainAll(only);
        }
        long batchSize = entry.get("batch_size").wholeNumber().orElse(100L);
        if (batchSize < 1 || batchSize > 10_000) {
            throw entry.get("batch_size").invalid("must be between 1 and 10000");
        }
        double flush = entry.get("flush_interval").nonNegative().orElse(1.0);
        if (flush <= 0 || flush > 3600) {
            throw entry.get("flush_interval").invalid("must be more than 0 and at most 3600 seconds");
        }
        long queueSize = entry.get("queue_size").wholeNumber().orElse(10_000L);
        if (queueSize < batchSize || queueSize > 1_000_000) {
            throw entry.get("queue_size").invalid("must be at least batch_size and at most 1000000");
        }
        return new CallbackConfig(name, type, events, settings, settingsPath, (int) batchSize,
                Duration.ofMillis((long) (flush * 1000)), (int) queueSize);
    }
}
