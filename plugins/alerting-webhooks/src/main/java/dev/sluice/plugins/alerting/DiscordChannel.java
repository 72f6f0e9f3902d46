package dev.sluice.plugins.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Alert;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.UpstreamRequest;
import java.net.URI;
import org.pf4j.Extension;

/** Discord's webhooks: the alert as a message's {@code content}, held to Discord's 2,000 characters. */
@Extension
public final class DiscordChannel implements AlertChannel {

    private static final int MOST = 2000;

    @Override
    public String type() {
        return "discord";
    }

    @Override
    public String urlVariable() {
        return "DISCORD_WEBHOOK_URL";
    }

    @Override
    public UpstreamRequest request(Alert alert, URI url, ObjectMapper json) {
        String text = JsonPost.text(alert);
        if (text.length() > MOST) {
            text = text.substring(0, MOST - 1) + "…";
        }
        return JsonPost.of(url, json.createObjectNode().put("content", text), json);
    }
}
