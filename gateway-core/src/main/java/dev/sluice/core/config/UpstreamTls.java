package dev.sluice.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How calls to upstreams check TLS: {@code ssl_verify} ({@code false} turns verification off, a
 * path names a PEM bundle of the CAs to trust instead of the JDK's), and a client certificate
 * ({@code ssl_certfile}, {@code ssl_keyfile}, PEM) for upstreams that want mutual TLS. Given in
 * {@code litellm_settings} (with {@code SSL_CERT_FILE}/{@code REQUESTS_CA_BUNDLE} as the bundle when
 * {@code ssl_verify} is not set) for every upstream, or in a deployment's {@code litellm_params}.
 *
 * @param verify   whether to verify the upstream's certificate; empty when not said
 * @param caBundle the CAs to trust, if named
 * @param certFile the client certificate chain, if any
 * @param keyFile  its private key (PKCS#8 PEM), with {@code certFile}
 */
public record UpstreamTls(Optional<Boolean> verify, Optional<Path> caBundle, Optional<Path> certFile,
                          Optional<Path> keyFile) {

    /** Nothing said: the JDK's trust store, no client certificate. */
    public static final UpstreamTls DEFAULT = new UpstreamTls(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    /** @throws ConfigException when only one of the client certificate's files is given */
    public UpstreamTls {
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(caBundle, "caBundle");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new ConfigException("ssl_certfile", "a client certificate needs both ssl_certfile and ssl_keyfile");
        }
    }

    /** @return whether anything differs from the default */
    public boolean customised() {
        return !equals(DEFAULT);
    }

    /** @return whether certificates are not checked at all */
    public boolean verificationOff() {
        return verify.isPresent() && !verify.get();
    }

    /** Reads {@code ssl_verify}, {@code ssl_certfile} and {@code ssl_keyfile} from a section. */
    static UpstreamTls read(ConfigNode section, Optional<String> defaultBundle) {
        ConfigNode sslVerify = section.get("ssl_verify");
        Optional<Boolean> verify = Optional.empty();
        Optional<Path> bundle = defaultBundle.filter(path -> !path.isBlank()).map(Path::of);
        if (!sslVerify.isAbsent()) {
            if (sslVerify.node().isBoolean() || sslVerify.node().asText().matches("(?i)true|false")) {
                verify = Optional.of(sslVerify.node().asBoolean() || sslVerify.node().asText().equalsIgnoreCase("true"));
                bundle = verify.get() ? bundle : Optional.empty();
            } else {
                verify = Optional.of(true);
                bundle = Optional.of(Path.of(sslVerify.requiredText("false, or the path of a PEM CA bundle")));
            }
        }
        bundle.ifPresent(path -> requireFile(path, sslVerify.path()));
        Optional<Path> cert = section.get("ssl_certfile").text().filter(text -> !text.isBlank()).map(Path::of);
        Optional<Path> key = section.get("ssl_keyfile").text().filter(text -> !text.isBlank()).map(Path::of);
        cert.ifPresent(path -> requireFile(path, section.get("ssl_certfile").path()));
        key.ifPresent(path -> requireFile(path, section.get("ssl_keyfile").path()));
        try {
            return new UpstreamTls(verify, bundle, cert, key);
        } catch (ConfigException e) {
            throw section.get("ssl_certfile").invalid("a client certificate needs both ssl_certfile and ssl_keyfile");
        }
    }

    private static void requireFile(Path path, String key) {
        if (!java.nio.file.Files.isReadable(path)) {
            throw new ConfigException(key, "cannot read " + path);
        }
    }
}
