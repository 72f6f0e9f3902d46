package dev.sluice.plugins.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Alert;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.UpstreamRequest;
import java.net.URI;
import org.pf4j.Extension;

/** Microsoft Teams' incoming webhooks and Workflows: the alert as an Adaptive Card message. */
@Extension
public final class TeamsChannel implements AlertChannel {

    @Override
    public String type() {
        return "msteams";
    }

    @Override
    public String urlVariable() {
        return "MS_TEAMS_WEBHOOK_URL";
    }

    @Override
    public UpstreamRequest request(Alert alert, URI url, ObjectMapper json) {
        ObjectNode message = json.createObjectNode().put("type", "message");
        ObjectNode card = message.putArray("attachments").addObject()
                .put("contentType", "application/vnd.microsoft.card.adaptive").putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard").put("version", "1.4");
        card.putArray("body").addObject().put("type", "TextBlock").put("text", JsonPost.text(alert)).put("wrap", true);
        return JsonPost.of(url, message, json);
    }
}
