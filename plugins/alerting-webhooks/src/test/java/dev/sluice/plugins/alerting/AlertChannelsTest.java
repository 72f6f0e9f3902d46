package dev.sluice.plugins.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Alert;
import dev.sluice.api.UpstreamRequest;
import java.net.URI;
import org.junit.jupiter.api.Test;

class AlertChannelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI URL = URI.create("https://hooks.example.com/services/T/B/X");
    private static final Alert ALERT = new Alert("budget_alerts", "High", "Key Budget: Budget Crossed for key bot",
            JSON.createObjectNode().put("event", "budget_crossed").put("event_group", "key").put("spend", 1.5));

    private static JsonNode body(UpstreamRequest request) throws Exception {
        assertEquals("POST", request.method());
        assertEquals(URL, request.uri());
        assertEquals("application/json", request.headers().get("Content-Type"));
        return JSON.readTree(request.body());
    }

    @Test
    void slackGetsTheAlertAsText() throws Exception {
        JsonNode body = body(new SlackChannel().request(ALERT, URL, JSON));
        assertTrue(body.path("text").asText().contains("Level: High"), body.toString());
        assertTrue(body.path("text").asText().contains("Key Budget: Budget Crossed for key bot"));
        assertEquals("SLACK_WEBHOOK_URL", new SlackChannel().urlVariable());
    }

    @Test
    void theWebhookGetsLiteLlmsEventObject() throws Exception {
        JsonNode body = body(new WebhookChannel().request(ALERT, URL, JSON));
        assertEquals(ALERT.event(), body);
        assertEquals("WEBHOOK_URL", new WebhookChannel().urlVariable());
    }

    @Test
    void teamsGetsAnAdaptiveCardAndDiscordAMessageItsSizeAllows() throws Exception {
        JsonNode teams = body(new TeamsChannel().request(ALERT, URL, JSON));
        assertEquals("message", teams.path("type").asText());
        JsonNode card = teams.path("attachments").path(0);
        assertEquals("application/vnd.microsoft.card.adaptive", card.path("contentType").asText());
        assertTrue(card.path("content").path("body").path(0).path("text").asText().contains("Budget Crossed"));

        JsonNode discord = body(new DiscordChannel().request(new Alert("llm_exceptions", "Medium", "x".repeat(5000),
                JSON.createObjectNode()), URL, JSON));
        assertEquals(2000, discord.path("content").asText().length(), "Discord refuses more than 2,000 characters");
    }
}
