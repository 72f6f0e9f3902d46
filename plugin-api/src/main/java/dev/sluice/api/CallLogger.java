package dev.sluice.api;

import org.pf4j.ExtensionPoint;

/**
 * A destination for the record of every model call: LiteLLM's logging callbacks (Langfuse, an
 * object store, Datadog, any HTTP endpoint). Named in {@code config.yaml} as LiteLLM names them:
 *
 * <pre>{@code
 * litellm_settings:
 *   callbacks: ["audit"]          # or success_callback / failure_callback for one kind of event
 * callback_settings:
 *   audit:
 *     callback_type: generic_api  # this plugin's type(); without an entry the callback's name is its type
 *     endpoint: https://logs.example.com/ingest
 * }</pre>
 *
 * <p>What every logger needs, the gateway does once, so a logger only turns a batch into its
 * destination's wire format and sends it: it builds each call's payload (LiteLLM's standard
 * logging payload, free of secrets) off the request path, holds calls in a bounded queue per
 * configured callback, hands them over in batches ({@code batch_size}, default 100, or whatever
 * has waited {@code flush_interval} seconds, default 1) on a thread of the sink's own, keeps only
 * the {@code event_types} asked for ({@code llm_api_success}, {@code llm_api_failure}), and counts
 * every call sent, dropped because the queue was full, or lost with a batch the sink failed
 * ({@code sluice_logger_events_total}). A slow or failing sink therefore never slows or fails a
 * model call; it only fills its own queue.
 *
 * @since 1.4.0
 */
public interface CallLogger extends ExtensionPoint {

    /** @return the callback type this plugin serves, as {@code callback_type} or a callback's name names it */
    String type();

    /**
     * Opens a sink for one configured callback; called once at start-up.
     *
     * @param setup the callback's name, settings and the gateway's HTTP transport
     * @return the sink
     * @throws IllegalArgumentException naming a setting it cannot use ({@link ConfigSection#invalid}); the
     *                                  callback is then not served and the reason is logged
     */
    LogSink open(LoggerSetup setup);
}
