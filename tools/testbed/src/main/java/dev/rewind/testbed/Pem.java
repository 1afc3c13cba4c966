package dev.rewind.testbed;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** PEM text for certificates and keys, as Kubernetes tools read them. */
final class Pem {

    private Pem() {
    }

    static String certificate(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The JDK encodes private keys as PKCS#8, which kube-apiserver, kubectl, helm and Fabric8 all read. */
    static String privateKey(Key privateKey) {
        return block("PRIVATE KEY", privateKey.getEncoded());
    }

    /** X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), as the JDK encodes public keys. */
    static String publicKey(Key publicKey) {
        return block("PUBLIC KEY", publicKey.getEncoded());
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
