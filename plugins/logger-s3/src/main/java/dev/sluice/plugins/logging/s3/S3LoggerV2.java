package dev.sluice.plugins.logging.s3;

import dev.sluice.api.CallLogger;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import org.pf4j.Extension;

/** LiteLLM's newer name for the same callback, {@code s3_v2}. */
@Extension
public final class S3LoggerV2 implements CallLogger {

    private final S3Logger logger = new S3Logger();

    @Override
    public String type() {
        return "s3_v2";
    }

    @Override
    public LogSink open(LoggerSetup setup) {
        return logger.open(setup);
    }
}
