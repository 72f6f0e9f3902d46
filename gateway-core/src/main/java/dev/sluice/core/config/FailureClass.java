package dev.sluice.core.config;

import dev.sluice.api.ErrorKind;
import java.util.Optional;

/**
 * The classes of upstream failure that LiteLLM's {@code retry_policy} and
 * {@code allowed_fails_policy} count separately, by the names those settings use
 * ({@code RateLimitErrorRetries}, {@code TimeoutErrorAllowedFails}, ...).
 */
public enum FailureClass {
    /** A 400 the vendor gave for the request itself. */
    BAD_REQUEST("BadRequestError"),
    /** The deployment's credentials were refused (401/403). */
    AUTHENTICATION("AuthenticationError"),
    /** The upstream did not answer in time. */
    TIMEOUT("TimeoutError"),
    /** The upstream said 429. */
    RATE_LIMIT("RateLimitError"),
    /** The vendor refused the content. */
    CONTENT_POLICY("ContentPolicyViolationError"),
    /** A 5xx, or the upstream could not be reached. */
    INTERNAL_SERVER("InternalServerError");

    private final String settingName;

    FailureClass(String settingName) {
        this.settingName = settingName;
    }

    /** @return the stem of the setting's keys, e.g. {@code RateLimitError} */
    public String settingName() {
        return settingName;
    }

    /** @return the class of a failure of this kind, if the policies count it */
    public static Optional<FailureClass> of(ErrorKind kind) {
        return Optional.ofNullable(switch (kind) {
            case BAD_REQUEST -> BAD_REQUEST;
            case AUTHENTICATION, PERMISSION_DENIED -> AUTHENTICATION;
            case TIMEOUT -> TIMEOUT;
            case RATE_LIMITED -> RATE_LIMIT;
            case CONTENT_POLICY -> CONTENT_POLICY;
            case UPSTREAM_ERROR, UPSTREAM_UNAVAILABLE -> INTERNAL_SERVER;
            default -> null;
        });
    }
}
