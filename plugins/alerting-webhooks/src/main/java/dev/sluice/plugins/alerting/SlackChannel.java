package dev.sluice.plugins.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Alert;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.UpstreamRequest;
import java.net.URI;
import org.pf4j.Extension;

/**
 * Slack's incoming webhooks ({@code {"text": ...}}), LiteLLM's {@code alerting: ["slack"]}. Discord
 * ({@code .../slack} URLs) and Microsoft Teams take the same body at a Slack-compatible URL, as in
 * LiteLLM.
 */
@Extension
public final class SlackChannel implements AlertChannel {

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public String urlVariable() {
        return "SLACK_WEBHOOK_URL";
    }

    @Override
    public UpstreamRequest request(Alert alert, URI url, ObjectMapper json) {
        return JsonPost.of(url, json.createObjectNode().put("text", JsonPost.text(alert)), json);
    }
}
