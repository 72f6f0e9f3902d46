package dev.sluice.plugins.logging.langfuse;

import dev.sluice.api.CallLogger;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.pf4j.Extension;

/**
 * LiteLLM's {@code langfuse} callback: each call as a Langfuse trace with one generation, sent in
 * batches to Langfuse's public ingestion API ({@code POST /api/public/ingestion}, basic auth with
 * the project's public and secret keys).
 *
 * <pre>{@code
 * litellm_settings:
 *   success_callback: ["langfuse"]
 *   failure_callback: ["langfuse"]
 * # LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY, LANGFUSE_HOST (default https://cloud.langfuse.com);
 * # or under callback_settings.langfuse: langfuse_public_key, langfuse_secret, langfuse_host
 * }</pre>
 */
@Extension
public final class LangfuseLogger implements CallLogger {

    @Override
    public String type() {
        return "langfuse";
    }

    @Override
    public LogSink open(LoggerSetup setup) {
        ConfigSection settings = setup.settings();
        Map<String, String> environment = setup.environment();
        String publicKey = settings.text("langfuse_public_key", environment, "LANGFUSE_PUBLIC_KEY")
                .orElseThrow(() -> settings.invalid("langfuse_public_key", "is required (or set LANGFUSE_PUBLIC_KEY)"));
        String secretKey = settings.text("langfuse_secret", environment, "LANGFUSE_SECRET_KEY")
                .orElseThrow(() -> settings.invalid("langfuse_secret", "is required (or set LANGFUSE_SECRET_KEY)"));
        URI ingestion = URI.create(settings.httpUrl("langfuse_host", settings.text("langfuse_host", environment,
                "LANGFUSE_HOST").orElse("https://cloud.langfuse.com")) + "/api/public/ingestion");
        String authorization = "Basic " + Base64.getEncoder().encodeToString((publicKey + ":" + secretKey)
                .getBytes(StandardCharsets.UTF_8));
        return new LangfuseSink(ingestion, authorization, setup.transport(), setup.json());
    }
}
