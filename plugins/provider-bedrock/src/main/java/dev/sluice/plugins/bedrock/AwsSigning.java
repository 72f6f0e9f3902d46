package dev.sluice.plugins.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * How a Bedrock call proves who it is: a Bedrock API key ({@code api_key}, or
 * {@code AWS_BEARER_TOKEN_BEDROCK}) as a bearer token; else SigV4, signed by the AWS SDK's own
 * signer, with credentials from {@code litellm_params} ({@code aws_access_key_id},
 * {@code aws_secret_access_key}, {@code aws_session_token}) or the standard AWS environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}), for the
 * region of {@code aws_region_name}, else {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION},
 * else {@value #DEFAULT_REGION}.
 */
final class AwsSigning {

    static final String DEFAULT_REGION = "us-east-1";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private AwsSigning() {
    }

    static String region(Deployment deployment) {
        return param(deployment, "aws_region_name").or(() -> env("AWS_REGION")).or(() -> env("AWS_DEFAULT_REGION"))
                .orElse(DEFAULT_REGION);
    }

    /** @return the headers that authenticate this request, with the given ones */
    static Map<String, String> sign(Deployment deployment, URI uri, Map<String, String> headers, byte[] body) {
        return sign(deployment, "POST", uri, headers, body);
    }

    /** As {@link #sign(Deployment, URI, Map, byte[])}, for a request of any method. */
    static Map<String, String> sign(Deployment deployment, String method, URI uri, Map<String, String> headers,
                                    byte[] body) {
        Map<String, String> signed = new HashMap<>(headers);
        Optional<String> apiKey = deployment.apiKey().map(key -> key.value()).or(() -> env("AWS_BEARER_TOKEN_BEDROCK"));
        if (apiKey.isPresent()) {
            signed.put("Authorization", "Bearer " + apiKey.get());
            return signed;
        }
        String accessKey = param(deployment, "aws_access_key_id").or(() -> env("AWS_ACCESS_KEY_ID"))
                .orElseThrow(() -> noCredentials(deployment));
        String secretKey = param(deployment, "aws_secret_access_key").or(() -> env("AWS_SECRET_ACCESS_KEY"))
                .orElseThrow(() -> noCredentials(deployment));
        Optional<String> sessionToken = param(deployment, "aws_session_token").or(() -> env("AWS_SESSION_TOKEN"));
        AwsCredentialsIdentity identity = sessionToken.<AwsCredentialsIdentity>map(token ->
                AwsSessionCredentialsIdentity.create(accessKey, secretKey, token))
                .orElseGet(() -> AwsCredentialsIdentity.create(accessKey, secretKey));
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest result = SIGNER.sign(sign -> sign.identity(identity).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region(deployment)));
        for (Map.Entry<String, List<String>> header : result.request().headers().entrySet()) {
            // The transport sets Host from the URI, as the signer did.
            if (!header.getKey().toLowerCase(Locale.ROOT).equals("host") && !header.getValue().isEmpty()) {
                signed.put(header.getKey(), header.getValue().getFirst());
            }
        }
        return signed;
    }

    private static GatewayException noCredentials(Deployment deployment) {
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, "Deployment '" + deployment.id() + "' has no AWS "
                + "credentials: set aws_access_key_id and aws_secret_access_key (or AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY), or a Bedrock API key as api_key.", null, null, null, null);
    }

    private static Optional<String> param(Deployment deployment, String name) {
        JsonNode value = deployment.extraParams().get(name);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText())
                : Optional.empty();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
