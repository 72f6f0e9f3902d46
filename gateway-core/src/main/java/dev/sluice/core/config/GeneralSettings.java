package dev.sluice.core.config;

import dev.sluice.api.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code general_settings}.
 *
 * @param masterKey                   {@code master_key} or {@code LITELLM_MASTER_KEY}; without one the gateway is open
 * @param databaseUrl                 {@code database_url} or {@code DATABASE_URL}; without one, the embedded database
 * @param maxRequestBytes             {@code max_request_size_mb}, in bytes
 * @param disableAuthOnHealthEndpoint {@code disable_auth_on_health_endpoint}
 * @param disableSpendLogs            {@code disable_spend_logs}: keep spend totals, not a row per call
 * @param storeModelInDb              {@code store_model_in_db} or {@code STORE_MODEL_IN_DB}: models may be
 *                                    added, changed and deleted through {@code /model/new|update|delete}
 * @param saltKey                     {@code LITELLM_SALT_KEY}: the secret provider keys stored in the
 *                                    database are encrypted with; the master key when not set
 * @param allowedIps                  {@code allowed_ips}: the only callers let in, when any is set
 * @param trustedProxies              {@code trusted_proxies} (Sluice's): peers whose
 *                                    {@code X-Forwarded-For} names the caller
 * @param serverTls                   {@code ssl_certfile_path} and {@code ssl_keyfile_path} (PEM): the
 *                                    certificate chain and key to serve HTTPS with, if given
 * @param timeouts                    how long the server waits for slow clients and for calls at shutdown
 */
public record GeneralSettings(Optional<Secret> masterKey, Optional<Secret> databaseUrl, long maxRequestBytes,
                              boolean disableAuthOnHealthEndpoint, boolean disableSpendLogs, boolean storeModelInDb,
                              Optional<Secret> saltKey, IpRanges allowedIps, IpRanges trustedProxies,
                              Optional<ServerTls> serverTls, ServerTimeouts timeouts) {

    /** The request size limit when {@code max_request_size_mb} is not set. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    /** @throws NullPointerException if a part is null */
    public GeneralSettings {
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(saltKey, "saltKey");
        Objects.requireNonNull(allowedIps, "allowedIps");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(serverTls, "serverTls");
        Objects.requireNonNull(timeouts, "timeouts");
        if (maxRequestBytes <= 0) {
            throw new ConfigException("general_settings.max_request_size_mb", "must be more than 0");
        }
    }

    /**
     * The gateway's own certificate, for sites without an ingress to end TLS.
     *
     * @param certFile the certificate chain, PEM
     * @param keyFile  its private key, PKCS#8 PEM
     */
    public record ServerTls(java.nio.file.Path certFile, java.nio.file.Path keyFile) {
    }

    /**
     * Sluice's own settings for slow clients and shutdown (LiteLLM leaves them to uvicorn's flags).
     *
     * @param requestHeaders {@code request_header_timeout_seconds}: the longest a request's line and
     *                       headers may take to arrive, from their first byte (10)
     * @param requestBody    {@code request_body_timeout_seconds}: the longest a body may take to arrive (60)
     * @param readinessDrain {@code shutdown_readiness_delay_seconds}: after SIGTERM, how long readiness
     *                       answers 503 while calls are still taken, so load balancers stop sending (5)
     * @param shutdownGrace  {@code graceful_shutdown_seconds}: after that, how long calls and streams in
     *                       flight may take to finish before they are ended (20; with the delay it fits
     *                       Kubernetes' default 30 s grace)
     */
    public record ServerTimeouts(java.time.Duration requestHeaders, java.time.Duration requestBody,
                                 java.time.Duration readinessDrain, java.time.Duration shutdownGrace) {

        /** The defaults. */
        public static final ServerTimeouts DEFAULTS = new ServerTimeouts(java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(20));

        /** @throws NullPointerException if a part is null */
        public ServerTimeouts {
            Objects.requireNonNull(requestHeaders, "requestHeaders");
            Objects.requireNonNull(requestBody, "requestBody");
            Objects.requireNonNull(readinessDrain, "readinessDrain");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        }
    }
}
