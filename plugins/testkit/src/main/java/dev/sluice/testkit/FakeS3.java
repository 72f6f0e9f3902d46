package dev.sluice.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Amazon S3's object API as far as a logger uses it, from the S3 API reference: {@code PutObject}
 * and {@code GetObject} at path-style URLs ({@code /<bucket>/<key>}), each request's Signature
 * Version 4 checked (service {@code s3}, the path encoded once, the payload's SHA-256 in
 * {@code x-amz-content-sha256}), errors as S3's XML ({@code SignatureDoesNotMatch},
 * {@code NoSuchBucket}, {@code NoSuchKey}).
 */
public final class FakeS3 extends FakeUpstream {

    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private volatile String accessKey = "AKIDEXAMPLE";
    private volatile String secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /** @param bucket a bucket that exists */
    public FakeS3(String bucket) {
        buckets.add(bucket);
    }

    /** Signatures must be made with these credentials. */
    public FakeS3 expectCredentials(String accessKeyId, String secretAccessKey) {
        this.accessKey = accessKeyId;
        this.secretKey = secretAccessKey;
        return this;
    }

    /** @return the objects stored, by {@code bucket/key}, in key order */
    public Map<String, byte[]> objects() {
        return new TreeMap<>(objects);
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        try {
            SigV4.Signed signed = SigV4.verify(request, rawPath, exchange.getRequestURI().getRawQuery(), false,
                    accessKey, secretKey);
            if (!signed.service().equals("s3")) {
                throw new SecurityException("Credential should be scoped to correct service: 's3'.");
            }
        } catch (SecurityException e) {
            sendXml(exchange, 403, e.getMessage().startsWith("Missing") ? "AccessDenied" : "SignatureDoesNotMatch",
                    e.getMessage());
            return;
        }
        String path = URLDecoder.decode(rawPath, StandardCharsets.UTF_8).substring(1);
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        if (!buckets.contains(bucket)) {
            sendXml(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
            return;
        }
        switch (request.method()) {
            case "PUT" -> {
                objects.put(path, request.body());
                exchange.getResponseHeaders().add("ETag", "\"" + SigV4.hex(SigV4.sha256(request.body())).substring(0, 32)
                        + "\"");
                exchange.sendResponseHeaders(200, -1);
            }
            case "GET" -> {
                byte[] object = objects.get(path);
                if (object == null) {
                    sendXml(exchange, 404, "NoSuchKey", "The specified key does not exist.");
                    return;
                }
                exchange.sendResponseHeaders(200, object.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(object);
                }
            }
            default -> sendXml(exchange, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    @Override
    protected String errorBody(int status) {
        return xml(status == 503 ? "SlowDown" : "InternalError", "We encountered an internal error. Please try again.");
    }

    private static void sendXml(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = xml(code, message).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String xml(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error>";
    }
}
