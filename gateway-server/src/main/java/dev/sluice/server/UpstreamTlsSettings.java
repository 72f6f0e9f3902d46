package dev.sluice.server;

import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.config.UpstreamTls;
import io.helidon.common.tls.Tls;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of upstream calls as Helidon wants it: one setting for every upstream
 * ({@code litellm_settings}), and one per upstream origin ({@code https://host:port}) for the
 * deployments whose {@code litellm_params} say otherwise, since the transport sees URIs, not
 * deployments. Verification turned off is logged once at start-up, naming the deployments.
 */
final class UpstreamTlsSettings {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTlsSettings.class);

    private final Optional<Tls> everyUpstream;
    private final Map<String, Tls> byOrigin;

    private UpstreamTlsSettings(Optional<Tls> everyUpstream, Map<String, Tls> byOrigin) {
        this.everyUpstream = everyUpstream;
        this.byOrigin = Map.copyOf(byOrigin);
    }

    /** The JDK's trust store for every upstream. */
    static UpstreamTlsSettings defaults() {
        return new UpstreamTlsSettings(Optional.empty(), Map.of());
    }

    /** @throws ConfigException when a bundle, certificate or key cannot be read */
    static UpstreamTlsSettings of(GatewayConfig config) {
        return of(config.upstreamTls(), config.modelList());
    }

    /**
     * @param global the settings for every upstream
     * @param models the deployments, whose own settings apply to their origins
     * @throws ConfigException when a bundle, certificate or key cannot be read
     */
    static UpstreamTlsSettings of(UpstreamTls global, List<DeploymentConfig> models) {
        Map<String, Tls> byOrigin = new HashMap<>();
        Map<String, String> originOwner = new HashMap<>();
        List<String> unverified = new ArrayList<>();
        for (DeploymentConfig model : models) {
            Optional<String> base = model.deployment().apiBase().filter(url -> url.startsWith("https:"));
            UpstreamTls own = model.tls();
            boolean off = own.verify().map(verify -> !verify).orElse(global.verificationOff());
            if (off) {
                unverified.add(model.deployment().modelGroup() + " (" + model.deployment().id() + ")");
            }
            if (!own.customised() || base.isEmpty()) {
                continue;
            }
            String origin = origin(URI.create(base.get()));
            String previous = originOwner.putIfAbsent(origin, model.deployment().id());
            if (previous != null) {
                LOG.warn("Deployments {} and {} call {}: the TLS settings of {} apply to both", previous,
                        model.deployment().id(), origin, previous);
                continue;
            }
            byOrigin.put(origin, tls(merged(own, global), "model_list (" + model.deployment().id() + ")"));
        }
        if (!unverified.isEmpty()) {
            LOG.warn("TLS certificate verification is OFF (ssl_verify: false) for {}: their upstreams' identity is "
                    + "not checked. Give ssl_verify the path of a CA bundle instead.", String.join(", ", unverified));
        }
        Optional<Tls> every = global.customised() ? Optional.of(tls(global, "litellm_settings")) : Optional.empty();
        return new UpstreamTlsSettings(every, byOrigin);
    }

    /** @return the TLS for every upstream, if it is not Helidon's default */
    Optional<Tls> everyUpstream() {
        return everyUpstream;
    }

    /** @return the TLS of calls to this URI's origin, if a deployment set its own */
    Optional<Tls> forUri(URI uri) {
        return byOrigin.isEmpty() || !"https".equalsIgnoreCase(uri.getScheme()) ? Optional.empty()
                : Optional.ofNullable(byOrigin.get(origin(uri)));
    }

    private static UpstreamTls merged(UpstreamTls own, UpstreamTls global) {
        return new UpstreamTls(own.verify().or(global::verify),
                own.verify().isPresent() ? own.caBundle() : own.caBundle().or(global::caBundle),
                own.certFile().or(global::certFile), own.certFile().isPresent() ? own.keyFile() : global.keyFile());
    }

    private static String origin(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : 443;
        return uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    private static Tls tls(UpstreamTls settings, String where) {
        var builder = Tls.builder();
        if (settings.verificationOff()) {
            builder.trustAll(true).endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE);
        } else if (settings.caBundle().isPresent()) {
            builder.trust(Pem.certificates(settings.caBundle().get(), where));
        }
        if (settings.certFile().isPresent()) {
            builder.privateKeyCertChain(Pem.certificates(settings.certFile().get(), where))
                    .privateKey(Pem.privateKey(settings.keyFile().orElseThrow(), where));
        }
        return builder.build();
    }
}
