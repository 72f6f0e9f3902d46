package dev.sluice.core.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.core.config.AlertingSettings;
import dev.sluice.core.shared.SharedRedis;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises alerts to the channels of {@code general_settings.alerting}: each alert once per key and
 * window across replicas ({@link AlertOnce}), queued and sent by a thread of its own so that no
 * call, and no spend write, waits for Slack.
 */
public final class Alerts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final int QUEUE = 1000;

    private final AlertingSettings settings;
    private final List<Destination> destinations;
    private final AlertOnce once;
    private final HttpTransport transport;
    private final ObjectMapper json;
    private final AlertOutcomes outcomes;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread sender;
    private volatile boolean closing;

    /** Counts of alerts by outcome ({@code sluice_alerts_total}). */
    @FunctionalInterface
    public interface AlertOutcomes {
        /** @param outcome {@code sent}, {@code failed}, {@code dropped} or {@code deduplicated} */
        void count(String alertType, String channel, String outcome);
    }

    private record Destination(AlertChannel channel, Optional<URI> defaultUrl) {
    }

    /** An alert waiting to be sent, to every channel or to one. */
    private record Pending(Alert alert, Optional<String> onlyTo) {
    }

    private Alerts(AlertingSettings settings, List<Destination> destinations, AlertOnce once, HttpTransport transport,
                   ObjectMapper json, AlertOutcomes outcomes) {
        this.settings = settings;
        this.destinations = List.copyOf(destinations);
        this.once = once;
        this.transport = transport;
        this.json = json;
        this.outcomes = outcomes;
        this.sender = destinations.isEmpty() ? null
                : Thread.ofPlatform().daemon().name("alerts").start(this::sendAlerts);
    }

    /**
     * Opens the channels the settings name. A channel no plugin serves is logged as an error and
     * left out; so is one with no URL (neither its variable nor {@code alert_to_webhook_url}).
     *
     * @param redis the replicas' shared Redis, or null
     */
    public static Alerts open(AlertingSettings settings, List<AlertChannel> channels, Map<String, String> environment,
                              SharedRedis redis, HttpTransport transport, ObjectMapper json, AlertOutcomes outcomes,
                              Clock clock) {
        Map<String, AlertChannel> byType = new LinkedHashMap<>();
        channels.forEach(channel -> byType.putIfAbsent(channel.type(), channel));
        List<Destination> destinations = new ArrayList<>();
        for (String name : settings.channels()) {
            AlertChannel channel = byType.get(name);
            if (channel == null) {
                LOG.error("general_settings.alerting '{}' is not served: no alerting plugin has that channel; "
                        + "installed: {}", name, new TreeSet<>(byType.keySet()));
                continue;
            }
            Optional<URI> url = Optional.ofNullable(environment.get(channel.urlVariable()))
                    .filter(value -> !value.isBlank()).flatMap(Alerts::uri);
            if (url.isEmpty() && (!name.equals("slack") || settings.urlsByType().isEmpty())) {
                LOG.error("general_settings.alerting '{}' has no URL: set {}{}", name, channel.urlVariable(),
                        name.equals("slack") ? " or alert_to_webhook_url" : "");
                continue;
            }
            destinations.add(new Destination(channel, url));
            LOG.info("Alerting {} to {}", new TreeSet<>(settings.alertTypes()), name);
        }
        return new Alerts(settings, destinations, new AlertOnce(redis, clock), transport, json, outcomes);
    }

    /** @return whether alerts of the type are raised and have somewhere to go */
    public boolean raises(String alertType) {
        return !destinations.isEmpty() && settings.alertTypes().contains(alertType);
    }

    /** @return how long a budget alert is not repeated */
    public Duration budgetAlertTtl() {
        return settings.budgetAlertTtl();
    }

    /**
     * Raises the alert unless one with the same key was raised (by any replica) within the window.
     *
     * @param key    what makes two alerts the same one, e.g. the party, the event and the budget period
     * @param window how long the same alert is not sent again
     */
    public void raise(Alert alert, String key, Duration window) {
        if (!raises(alert.type())) {
            return;
        }
        if (!once.claim(alert.type() + ":" + key, window)) {
            outcomes.count(alert.type(), "-", "deduplicated");
            return;
        }
        queue(new Pending(alert, Optional.empty()));
    }

    /**
     * Sends a test alert to one channel, with no de-duplication: LiteLLM's {@code /health/services}.
     *
     * @return whether the channel is in effect (the alert was queued)
     */
    public boolean test(String channel, String message) {
        if (!channels().contains(channel)) {
            return false;
        }
        ObjectNode event = json.createObjectNode().put("event", "test_alert").put("event_group", "proxy")
                .put("event_message", message);
        return queue(new Pending(new Alert("test_alert", "Low", message, event), Optional.of(channel)));
    }

    private boolean queue(Pending pending) {
        if (destinations.isEmpty() || closing || !queue.offer(pending)) {
            outcomes.count(pending.alert().type(), "-", "dropped");
            return false;
        }
        return true;
    }

    /** @return the alert types raised, for the admin API */
    public Set<String> alertTypes() {
        return settings.alertTypes();
    }

    /** @return the channels alerts go to */
    public List<String> channels() {
        return destinations.stream().map(destination -> destination.channel().type()).toList();
    }

    private void sendAlerts() {
        while (!closing || !queue.isEmpty()) {
            Pending pending;
            try {
                pending = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (pending != null) {
                destinations.stream().filter(destination -> pending.onlyTo().map(destination.channel().type()::equals)
                        .orElse(true)).forEach(destination -> deliver(pending.alert(), destination));
            }
        }
    }

    private void deliver(Alert alert, Destination destination) {
        List<URI> urls = new ArrayList<>();
        if (destination.channel().type().equals("slack") && settings.urlsByType().containsKey(alert.type())) {
            settings.urlsByType().get(alert.type()).forEach(url -> uri(url).ifPresent(urls::add));
        } else {
            destination.defaultUrl().ifPresent(urls::add);
        }
        for (URI url : urls) {
            String channel = destination.channel().type();
            try {
                UpstreamResponse answer = transport.send(destination.channel().request(alert, url, json));
                boolean delivered = answer.status() / 100 == 2;
                outcomes.count(alert.type(), channel, delivered ? "sent" : "failed");
                if (!delivered) {
                    LOG.warn("Alert {} to {} at {}: HTTP {}", alert.type(), channel, url.getHost(), answer.status());
                }
            } catch (RuntimeException e) {
                outcomes.count(alert.type(), channel, "failed");
                LOG.warn("Alert {} to {} at {} failed: {}", alert.type(), channel, url.getHost(),
                        e.getClass().getSimpleName());
            }
        }
    }

    private static Optional<URI> uri(String value) {
        try {
            URI uri = URI.create(value.strip());
            return uri.getHost() == null ? Optional.empty() : Optional.of(uri);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Sends what is queued (for at most ten seconds). */
    @Override
    public void close() {
        closing = true;
        if (sender != null) {
            try {
                sender.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
