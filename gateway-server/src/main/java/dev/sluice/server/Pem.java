package dev.sluice.server;

import dev.sluice.core.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;

/** PEM certificates and PKCS#8 keys, as the TLS settings name them; a mistake is a config error. */
final class Pem {

    private Pem() {
    }

    /** @return the certificates in a PEM file (a chain or a CA bundle) */
    static List<X509Certificate> certificates(Path pem, String where) {
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

    /** @return the key of a PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}), RSA, EC or Ed25519 */
    static PrivateKey privateKey(Path pem, String where) {
        String text;
        try {
            text = Files.readString(pem);
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read " + pem + ": " + e.getMessage());
        }
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
    }
}
