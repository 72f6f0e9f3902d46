package dev.sluice.plugins.logging.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.GatewayException;
import dev.sluice.api.HttpTransport;
import dev.sluice.api.LogSink;
import dev.sluice.api.LoggedCall;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** One batch as one {@code PutObject} of JSON lines, at a path-style URL. */
final class S3Sink implements LogSink {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String bucket;
    private final String prefix;
    private final String region;
    private final AwsCredentialsIdentity identity;
    private final HttpTransport transport;
    private final ObjectMapper json;

    S3Sink(URI base, String bucket, String prefix, String region, AwsCredentialsIdentity identity,
           HttpTransport transport, ObjectMapper json) {
        this.base = base;
        this.bucket = bucket;
        this.prefix = prefix;
        this.region = region;
        this.identity = identity;
        this.transport = transport;
        this.json = json;
    }

    @Override
    public void send(List<LoggedCall> batch) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (LoggedCall call : batch) {
            lines.write(json.writeValueAsBytes(call.payload()));
            lines.write('\n');
        }
        byte[] body = lines.toByteArray();
        URI uri = URI.create(base + "/" + encode(bucket) + "/" + encode(key(batch.getFirst())));
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(uri)
                .putHeader("Content-Type", "application/x-ndjson").build();
        SignedRequest signed = SIGNER.sign(sign -> sign.identity(identity).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
        Map<String, String> headers = new HashMap<>();
        signed.request().headers().forEach((name, values) -> {
            if (!name.toLowerCase(Locale.ROOT).equals("host") && !values.isEmpty()) { // the transport sets Host
                headers.put(name, values.getFirst());
            }
        });
        UpstreamResponse answer;
        try {
            answer = transport.send(new UpstreamRequest("PUT", uri, headers, body, TIMEOUT));
        } catch (GatewayException e) {
            throw new IOException(base.getHost() + " could not be reached (" + e.kind() + ")");
        }
        if (answer.status() / 100 != 2) {
            String error = new String(answer.body(), StandardCharsets.UTF_8);
            int code = error.indexOf("<Code>");
            throw new IOException(base.getHost() + " answered HTTP " + answer.status()
                    + (code < 0 ? "" : " " + error.substring(code + 6, Math.max(code + 6, error.indexOf("</Code>")))));
        }
    }

    /** {@code <prefix>/<day>/<first call's start, ms>-<its id>.jsonl}: sortable by time, unique by call id. */
    private String key(LoggedCall first) {
        BigDecimal seconds = first.payload().path("startTime").isNumber() ? first.payload().path("startTime").decimalValue()
                : BigDecimal.ZERO;
        Instant start = Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        String day = start.atZone(ZoneOffset.UTC).toLocalDate().toString();
        String name = day + "/" + start.toEpochMilli() + "-" + first.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** A path's segments percent-encoded, its slashes kept. */
    private static String encode(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (!encoded.isEmpty()) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return encoded.toString();
    }
}
