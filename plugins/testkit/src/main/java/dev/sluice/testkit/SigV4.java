package dev.sluice.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 as AWS services do, from AWS's reference: the canonical
 * request (method, path, query, the signed headers, the payload's SHA-256), the string to sign
 * and the signing key derived from the secret, date, region and service. The fakes of AWS
 * services check every request with it, so a plugin that signs wrongly fails its tests.
 */
final class SigV4 {

    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/"
            + "([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");

    /** What a signature says of itself. */
    record Signed(String accessKey, String region, String service) {
    }

    private SigV4() {
    }

    /**
     * @param rawPath        the request's path as sent (percent-encoded)
     * @param rawQuery       the request's query as sent, or null
     * @param encodePathTwice whether the service encodes the path again for the canonical request
     *                       (every service but S3)
     * @return the signature's access key, region and service
     * @throws SecurityException naming what is wrong, in AWS's words
     */
    static Signed verify(RecordedRequest request, String rawPath, String rawQuery, boolean encodePathTwice,
                         String accessKey, String secretKey) {
        Matcher auth = AUTHORIZATION.matcher(request.header("authorization").orElse(""));
        String amzDate = request.header("x-amz-date").orElse("");
        if (!auth.matches() || amzDate.length() < 8) {
            throw new SecurityException("Missing Authentication Token");
        }
        if (!auth.group(1).equals(accessKey)) {
            throw new SecurityException("The security token included in the request is invalid.");
        }
        String payloadHash = hex(sha256(request.body()));
        String declared = request.header("x-amz-content-sha256").orElse(payloadHash);
        if (!declared.equals(payloadHash) && !declared.equals("UNSIGNED-PAYLOAD")) {
            throw new SecurityException("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : auth.group(5).split(";")) {
            String value = request.header(name).orElse("").trim().replaceAll(" +", " ");
            canonicalHeaders.append(name).append(':').append(value).append('\n');
        }
        StringBuilder canonicalUri = new StringBuilder();
        for (String segment : rawPath.split("/", -1)) {
            if (!canonicalUri.isEmpty() || !segment.isEmpty()) {
                canonicalUri.append('/');
            }
            canonicalUri.append(encodePathTwice ? uriEncode(segment) : segment);
        }
        String canonicalRequest = request.method() + "\n" + (canonicalUri.isEmpty() ? "/" : canonicalUri) + "\n"
                + (rawQuery == null ? "" : rawQuery) + "\n" + canonicalHeaders + "\n" + auth.group(5) + "\n" + declared;
        String scope = auth.group(2) + "/" + auth.group(3) + "/" + auth.group(4) + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(hmac(hmac(key, auth.group(3)), auth.group(4)), "aws4_request");
        if (!hex(hmac(key, toSign)).equals(auth.group(6))) {
            throw new SecurityException("The request signature we calculated does not match the signature you provided.");
        }
        return new Signed(auth.group(1), auth.group(3), auth.group(4));
    }

    private static String uriEncode(String segment) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
