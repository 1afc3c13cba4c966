package dev.rewind.testbed;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A certificate issued by a {@link CertificateAuthority}, with its private key. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {

    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    /** A PKCS#12 key store holding the key under alias {@code key} with the chain up to the CA. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", privateKey, password, new Certificate[] {certificate, issuer});
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a key store for " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** A TLS context that presents this certificate, e.g. for a {@code com.sun.net.httpserver.HttpsServer}. */
    public SSLContext sslContext() {
        char[] password = "unused".toCharArray();
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore(password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context for " + certificate.getSubjectX500Principal(), e);
        }
    }
}
