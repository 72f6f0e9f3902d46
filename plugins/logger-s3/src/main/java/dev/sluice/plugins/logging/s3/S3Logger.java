package dev.sluice.plugins.logging.s3;

import dev.sluice.api.CallLogger;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggerSetup;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * LiteLLM's {@code s3} callback: each batch of calls as one object of JSON lines in an S3 bucket
 * or an S3-compatible store (MinIO, Ceph, R2), written with {@code PutObject} and signed with
 * AWS Signature Version 4.
 *
 * <pre>{@code
 * litellm_settings:
 *   callbacks: ["s3_v2"]          # or "s3"
 *   s3_callback_params:           # LiteLLM's place for them; callback_settings.s3_v2 works too
 *     s3_bucket_name: llm-logs
 *     s3_region_name: eu-west-1
 *     s3_aws_access_key_id: os.environ/AWS_ACCESS_KEY_ID
 *     s3_aws_secret_access_key: os.environ/AWS_SECRET_ACCESS_KEY
 *     s3_endpoint_url: https://minio.internal:9000   # S3-compatible stores; path-style URLs
 *     s3_path: gateway/prod                          # key prefix
 * }</pre>
 *
 * Objects are named {@code <s3_path>/<yyyy-mm-dd>/<first call's time>-<first call id>.jsonl}.
 */
@Extension
public final class S3Logger implements CallLogger {

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public LogSink open(LoggerSetup setup) {
        ConfigSection settings = setup.settings();
        Map<String, String> environment = setup.environment();
        String bucket = settings.requiredText("s3_bucket_name");
        String region = settings.text("s3_region_name", environment, "AWS_REGION").orElse("us-east-1");
        String accessKey = settings.text("s3_aws_access_key_id", environment, "AWS_ACCESS_KEY_ID")
                .orElseThrow(() -> settings.invalid("s3_aws_access_key_id", "is required (or set AWS_ACCESS_KEY_ID)"));
        String secretKey = settings.text("s3_aws_secret_access_key", environment, "AWS_SECRET_ACCESS_KEY")
                .orElseThrow(() -> settings.invalid("s3_aws_secret_access_key",
                        "is required (or set AWS_SECRET_ACCESS_KEY)"));
        Optional<String> sessionToken = settings.text("s3_aws_session_token", environment, "AWS_SESSION_TOKEN");
        AwsCredentialsIdentity identity = sessionToken.<AwsCredentialsIdentity>map(token ->
                AwsSessionCredentialsIdentity.create(accessKey, secretKey, token))
                .orElseGet(() -> AwsCredentialsIdentity.create(accessKey, secretKey));
        URI base = settings.httpUrl("s3_endpoint_url", settings.text("s3_endpoint_url")
                .orElse("https://s3." + region + ".amazonaws.com"));
        String prefix = settings.text("s3_path", "").replaceAll("^/+|/+$", "");
        return new S3Sink(base, bucket, prefix, region, identity, setup.transport(), setup.json());
    }
}
