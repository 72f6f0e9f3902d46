package dev.sluice.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type that crosses the plugin boundary. The gateway turns it into an
 * OpenAI-shaped error body ({@code {"error": {"message", "type", "param", "code"}}}) with
 * {@link #status()}; every other exception is reported as an internal error without its message.
 *
 * <p>Messages are shown to the caller: they must say what to do, and must never contain a
 * secret (an API key, a virtual key, the master key).
 */
public class GatewayException extends RuntimeException {

    private final ErrorKind kind;
    private final int status;
    private final String param;
    private final String code;
    private final Duration retryAfter;
    private final String type;

    /**
     * @param kind       the canonical kind, which decides routing behaviour
     * @param status     the HTTP status to answer with (an upstream's own status where known)
     * @param message    a message for the caller, free of secrets
     * @param param      the request parameter at fault, or {@code null}
     * @param code       the {@code error.code}, or {@code null} for the status as a string
     * @param retryAfter how long to wait before retrying, or {@code null}
     * @param cause      the underlying cause, or {@code null}
     */
    public GatewayException(ErrorKind kind, int status, String message, String param, String code,
                            Duration retryAfter, Throwable cause) {
        this(kind, null, status, message, param, code, retryAfter, cause);
    }

    /**
     * As the main constructor, with an {@code error.type} other than the kind's, for errors that
     * LiteLLM reports with a type of their own (e.g. {@code expired_key}).
     *
     * @param kind       the canonical kind
     * @param type       the {@code error.type}, or {@code null} for the kind's
     * @param status     the HTTP status
     * @param message    a message for the caller, free of secrets
     * @param param      the request parameter at fault, or {@code null}
     * @param code       the {@code error.code}, or {@code null} for the status as a string
     * @param retryAfter how long to wait before retrying, or {@code null}
     * @param cause      the underlying cause, or {@code null}
     */
    public GatewayException(ErrorKind kind, String type, int status, String message, String param, String code,
                            Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.type = type;
        this.kind = Objects.requireNonNull(kind, "kind");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx, was " + status);
        }
        this.status = status;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** @return a 400 for a bad request, naming the parameter at fault (may be {@code null}) */
    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, param, null, null, null);
    }

    /** @return a 401 authentication failure */
    public static GatewayException unauthenticated(String message) {
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, message, null, null, null, null);
    }

    /** @return an error of the given kind with its default status */
    public static GatewayException of(ErrorKind kind, String message) {
        return new GatewayException(kind, kind.defaultStatus(), message, null, null, null, null);
    }

    /**
     * The error for a vendor's HTTP error status, when its body says nothing more precise: the kind
     * {@link ErrorKind#ofUpstreamStatus} gives (which decides retries, cooldowns and fallbacks),
     * answered with the vendor's status.
     *
     * @param status     the vendor's HTTP status
     * @param message    what went wrong, in the vendor's words where it gave some; never a secret
     * @param retryAfter how long the vendor asked to wait ({@link RetryAfter#parse}), or null
     * @return the error
     * @since 1.3.0
     */
    public static GatewayException fromUpstream(int status, String message, Duration retryAfter) {
        return new GatewayException(ErrorKind.ofUpstreamStatus(status), status, message, null, null, retryAfter, null);
    }

    /**
     * @param retryAfter how long to wait, or null when unknown
     * @return a 429: the vendor's rate limit; the router tries another deployment and cools this one
     * @since 1.3.0
     */
    public static GatewayException rateLimited(String message, Duration retryAfter) {
        return new GatewayException(ErrorKind.RATE_LIMITED, 429, message, null, null, retryAfter, null);
    }

    /**
     * @return a 400 the router answers with the group's context-window fallbacks: the prompt does
     *         not fit the model
     * @since 1.3.0
     */
    public static GatewayException contextWindowExceeded(String message) {
        return of(ErrorKind.CONTEXT_WINDOW_EXCEEDED, message);
    }

    /**
     * @return a 400 the router answers with the group's content-policy fallbacks: the vendor refused
     *         the content
     * @since 1.3.0
     */
    public static GatewayException contentPolicy(String message) {
        return of(ErrorKind.CONTENT_POLICY, message);
    }

    /**
     * @param cause the I/O failure, kept for the log (never shown to the caller)
     * @return a 503, retryable: the upstream could not be reached or broke off
     * @since 1.3.0
     */
    public static GatewayException upstreamUnavailable(String message, Throwable cause) {
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, 503, message, null, null, null, cause);
    }

    /** @return the canonical kind */
    public ErrorKind kind() {
        return kind;
    }

    /** @return the {@code error.type} to report: the kind's unless set explicitly */
    public String type() {
        return type != null ? type : kind.type();
    }

    /** @return the HTTP status to answer with */
    public int status() {
        return status;
    }

    /** @return the request parameter at fault, if one is */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /**
     * @return the specific code (a vendor's {@code rate_limit_exceeded}, the gateway's
     *         {@code database_unavailable}), else the status as a string. Callers see the status as
     *         {@code error.code} whatever this says, as LiteLLM's callers do; this is for plugins,
     *         filters and logs.
     */
    public String code() {
        return code != null ? code : Integer.toString(status);
    }

    /** @return how long the caller should wait before retrying, if known */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
