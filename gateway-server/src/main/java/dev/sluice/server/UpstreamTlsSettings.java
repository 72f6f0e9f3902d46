package dev.sluice.server;

import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.config.UpstreamTls;
import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
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
        UpstreamTls global = config.upstreamTls();
        Map<String, Tls> byOrigin = new HashMap<>();
        Map<String, String> originOwner = new HashMap<>();
        List<String> unverified = new ArrayList<>();
        for (DeploymentConfig model : config.modelList()) {
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
            builder.trust(certificates(settings.caBundle().get(), where));
        }
        if (settings.certFile().isPresent()) {
            builder.privateKeyCertChain(certificates(settings.certFile().get(), where))
                    .privateKey(privateKey(settings.keyFile().orElseThrow(), where));
        }
        return builder.build();
    }

    private static List<X509Certificate> certificates(Path pem, String where) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(certificate -> certificates.add((X509Certificate) certificate));
            if (certificates.isEmpty()) {
                throw new ConfigException(where, pem + " holds no PEM certificate");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(where, "cannot read the certificates in " + pem + ": " + e.getMessage());
        }
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    private static PrivateKey privateKey(Path pem, String where) {
        try {
            String text = Files.readString(pem);
            if (!text.contains("BEGIN PRIVATE KEY")) {
                throw new ConfigException(where, pem + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt");
            }
            byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
            for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new ConfigException(where, pem + " holds a key of no supported algorithm (RSA, EC, Ed25519)");
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read " + pem + ": " + e.getMessage());
        }
    }
}
