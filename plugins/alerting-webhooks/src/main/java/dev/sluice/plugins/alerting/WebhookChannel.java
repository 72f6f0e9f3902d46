package dev.sluice.plugins.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Alert;
import dev.sluice.api.AlertChannel;
import dev.sluice.api.UpstreamRequest;
import java.net.URI;
import org.pf4j.Extension;

/** LiteLLM's {@code alerting: ["webhook"]}: the alert's event object as it is (for budgets, LiteLLM's webhook event). */
@Extension
public final class WebhookChannel implements AlertChannel {

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String urlVariable() {
        return "WEBHOOK_URL";
    }

    @Override
    public UpstreamRequest request(Alert alert, URI url, ObjectMapper json) {
        return JsonPost.of(url, alert.event(), json);
    }
}
