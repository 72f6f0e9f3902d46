package dev.sluice.api;

/**
 * The canonical kinds of failure. Provider adapters map vendor errors onto these so the router
 * can decide whether to retry, cool a deployment down or fall back, and so the client always
 * gets an OpenAI-shaped error with the right status.
 */
public enum ErrorKind {
    /** Malformed or invalid request from the caller (400). Not retried. */
    BAD_REQUEST(400, "invalid_request_error", false),
    /** Missing, unknown or expired credentials (401). */
    AUTHENTICATION(401, "auth_error", false),
    /** Credentials are valid but may not do this (403). */
    PERMISSION_DENIED(403, "permission_error", false),
    /** No such resource (404). */
    NOT_FOUND(404, "not_found_error", false),
    /** The upstream or the gateway gave up waiting (408). Retryable. */
    TIMEOUT(408, "timeout", true),
    /** The request body is larger than the gateway accepts (413). */
    PAYLOAD_TOO_LARGE(413, "invalid_request_error", false),
    /** The prompt does not fit the model's context window (400). Triggers context-window fallbacks. */
    CONTEXT_WINDOW_EXCEEDED(400, "context_length_exceeded", false),
    /** The vendor refused the content (400). Triggers content-policy fallbacks. */
    CONTENT_POLICY(400, "content_policy_violation", false),
    /** A budget would be exceeded by this request (400, as LiteLLM). */
    BUDGET_EXCEEDED(400, "budget_exceeded", false),
    /** Too many requests, at the gateway or upstream (429). Retryable after {@code retryAfter}. */
    RATE_LIMITED(429, "rate_limit_error", true),
    /** The upstream answered with a server error (500). Retryable. */
    UPSTREAM_ERROR(500, "api_error", true),
    /** The upstream could not be reached or is not serving (503). Retryable. */
    UPSTREAM_UNAVAILABLE(503, "service_unavailable", true),
    /** A fault inside the gateway or a plugin (500). */
    INTERNAL(500, "internal_server_error", false);

    private final int defaultStatus;
    private final String type;
    private final boolean retryable;

    ErrorKind(int defaultStatus, String type, boolean retryable) {
        this.defaultStatus = defaultStatus;
        this.type = type;
        this.retryable = retryable;
    }

    /** @return the HTTP status used when the error carries no status of its own */
    public int defaultStatus() {
        return defaultStatus;
    }

    /** @return the {@code error.type} string of the OpenAI-shaped error body */
    public String type() {
        return type;
    }

    /** @return whether trying again, here or on another deployment, may succeed */
    public boolean retryable() {
        return retryable;
    }

    /**
     * @param status a vendor's HTTP error status
     * @return the kind it means when the vendor's body says nothing more precise: 429 rate limited,
     *         502/503/504/529 unavailable, other 5xx an upstream error, 401/403/404/408/413 their
     *         kinds, other 4xx a bad request
     * @since 1.3.0
     */
    public static ErrorKind ofUpstreamStatus(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 408 -> TIMEOUT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 429 -> RATE_LIMITED;
            case 502, 503, 504, 529 -> UPSTREAM_UNAVAILABLE;
            default -> status >= 500 ? UPSTREAM_ERROR : BAD_REQUEST;
        };
    }
}
