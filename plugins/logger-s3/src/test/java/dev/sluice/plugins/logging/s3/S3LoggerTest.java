package dev.sluice.plugins.logging.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.LoggerSetup;
import dev.sluice.testkit.FakeS3;
import dev.sluice.testkit.JdkHttpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against the testkit's S3, which checks every request's SigV4 signature as S3 does. */
class S3LoggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeS3 s3 = new FakeS3("llm-logs").expectCredentials("AKIALOGGER", "logger/secret+key");

    @AfterEach
    void stop() {
        s3.close();
    }

    private LogSink open(String bucket, String secret) {
        return new S3Logger().open(new LoggerSetup("s3_v2", new ConfigSection("litellm_settings.s3_callback_params",
                JSON.valueToTree(Map.of("s3_bucket_name", bucket, "s3_region_name", "eu-west-1",
                        "s3_aws_access_key_id", "AKIALOGGER", "s3_aws_secret_access_key", secret,
                        "s3_endpoint_url", s3.baseUri().toString(), "s3_path", "/gateway/prod/"))), Map.of(),
                new JdkHttpTransport(), JSON));
    }

    private static LoggedCall call(String id, double startTime) {
        return new LoggedCall(id, true, JSON.createObjectNode().put("id", id).put("startTime", startTime)
                .put("response_cost", 0.00042));
    }

    @Test
    void aBatchIsOneSignedObjectOfJsonLinesUnderThePathAndDay() throws Exception {
        open("llm-logs", "logger/secret+key").send(List.of(call("call-1", 1765000000.25), call("call-2", 1765000001)));
        Map<String, byte[]> objects = s3.objects();
        assertEquals(List.of("llm-logs/gateway/prod/2025-12-06/1765000000250-call-1.jsonl"), List.copyOf(objects.keySet()));
        String[] lines = new String(objects.values().iterator().next(), StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertEquals("call-2", JSON.readTree(lines[1]).path("id").asText());
    }

    @Test
    void aWrongSecretOrAMissingBucketFailsTheBatchWithS3sCode() {
        IOException signature = assertThrows(IOException.class,
                () -> open("llm-logs", "not-the-secret").send(List.of(call("c", 1))));
        assertTrue(signature.getMessage().contains("403 SignatureDoesNotMatch"), signature.getMessage());
        IOException bucket = assertThrows(IOException.class, () -> open("other", "logger/secret+key")
                .send(List.of(call("c", 1))));
        assertTrue(bucket.getMessage().contains("404 NoSuchBucket"), bucket.getMessage());
    }

    @Test
    void withoutABucketOrCredentialsItIsRefusedNamingTheSetting() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new S3Logger().open(
                new LoggerSetup("s3", new ConfigSection("litellm_settings.s3_callback_params", null), Map.of(),
                        new JdkHttpTransport(), JSON)));
        assertTrue(missing.getMessage().startsWith("litellm_settings.s3_callback_params.s3_bucket_name"));
    }
}
