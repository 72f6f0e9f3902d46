package dev.sluice.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.pf4j.ExtensionPoint;

/**
 * A place alerts go: Slack, Microsoft Teams, Discord, a generic webhook. Named in
 * {@code general_settings.alerting} by its {@link #type()}; its URL is read from the environment
 * variable {@link #urlVariable()} unless {@code alert_to_webhook_url} names one for the alert's
 * type.
 *
 * <p>A channel only says how an alert looks on its wire. The gateway does the rest once for all
 * channels: it decides when an alert is due, sends each alert at most once per crossing and
 * budget period across all replicas (and operational alerts once per de-duplication window),
 * sends off every request path through a bounded queue, and counts what was sent and what failed
 * ({@code sluice_alerts_total}).
 *
 * @since 1.4.0
 */
public interface AlertChannel extends ExtensionPoint {

    /** @return the name {@code general_settings.alerting} lists it by, e.g. {@code slack} */
    String type();

    /** @return the environment variable holding its webhook URL, e.g. {@code SLACK_WEBHOOK_URL} */
    String urlVariable();

    /**
     * @param alert the alert
     * @param url   where it goes
     * @param json  the gateway's JSON mapper
     * @return the HTTP request that delivers it; the gateway sends it and takes any 2xx as delivered
     */
    UpstreamRequest request(Alert alert, URI url, ObjectMapper json);
}
